import ArgumentParser
import CellSpace
import Foundation

/// `rednas arch`: describe one NATS-Bench topology architecture (string, index, canonical form,
/// validity, parameters and FLOPs of the network built from it).
struct ArchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arch",
        abstract: "Describe a NATS-Bench topology architecture: index, string, canonical form, params, FLOPs.",
        discussion: """
            ARCHITECTURE is a benchmark index (0...15624) or a NATS string; quote strings,
            since '|' is a shell pipe. Examples:

              rednas arch 1462 --json
              rednas arch '|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|'

            Counts follow the benchmark: params = every trainable scalar (BN included);
            FLOPs = per image, conv and linear layers only.
            """
    )

    // Captures unrecognised words too, so that `arch -1` reaches the range check instead of
    // being taken for an option; `validate()` insists on exactly one.
    @Argument(parsing: .allUnrecognized, help: "Benchmark index (0...15624) or NATS architecture string.")
    var architecture: [String] = []

    @Option(parsing: .unconditional, help: "Channels C of the first stage (stages use C, 2C, 4C).")
    var channels: Int = 16

    @Option(parsing: .unconditional, help: "Cells per stage N, or three comma-separated counts n1,n2,n3.")
    var cells: String = "5"

    @Option(parsing: .unconditional, help: "Number of output classes (CIFAR-10: 10, CIFAR-100: 100, ImageNet16-120: 120).")
    var classes: Int = 10

    @Option(parsing: .unconditional, help: "Image channels entering the stem: 1 or 3.")
    var inputChannels: Int = 3

    @Option(parsing: .unconditional, help: "Input height = width (32 for CIFAR, 28 for Fashion-MNIST, 16 for ImageNet16); a multiple of 4.")
    var inputSize: Int = 32

    @Flag(help: "Print JSON instead of a readable summary.")
    var json = false

    func validate() throws {
        if let option = architecture.first(where: { $0.hasPrefix("-") && Int($0) == nil }) {
            throw ValidationError("unknown option '\(option)'")
        }
        guard architecture.count == 1 else {
            throw ValidationError(architecture.isEmpty ? "give one architecture: a benchmark index (0...15624) or a NATS string"
                                  : "give one architecture, found \(architecture.count): \(architecture.joined(separator: " "))")
        }
        let limits = NetworkSpec.Limits.self
        try Self.check("--channels", channels, 1...limits.channels)
        try Self.check("--classes", classes, 1...limits.classes)
        guard inputChannels == 1 || inputChannels == 3 else {
            throw ValidationError("--input-channels must be 1 (grayscale) or 3 (RGB), got \(inputChannels)")
        }
        try Self.check("--input-size", inputSize, 4...limits.inputSize)
        guard inputSize % 4 == 0 else {
            throw ValidationError("--input-size must be a multiple of 4 (the two reductions halve it), got \(inputSize)")
        }
        _ = try network()
    }

    private static func check(_ option: String, _ value: Int, _ range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            throw ValidationError("\(option) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
    }

    func run() throws {
        let cell = try Cell(specifier: architecture[0])
        let summary = ArchitectureSummary(cell: cell, network: try network())
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(Self.readable(summary))
        }
    }

    private func network() throws -> NetworkSpec {
        let parts = cells.split(separator: ",", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.allSatisfy({ $0 != nil }), parts.count == 1 || parts.count == 3 else {
            throw ValidationError("--cells must be one count N or three counts n1,n2,n3 (got '\(cells)')")
        }
        let counts = parts.map { $0! }
        if let bad = counts.first(where: { !(0...NetworkSpec.Limits.cellsPerStage).contains($0) }) {
            throw ValidationError("--cells must be between 0 and \(NetworkSpec.Limits.cellsPerStage) per stage, got \(bad)")
        }
        do {
            return try NetworkSpec(channels: channels, cellsPerStage: counts.count == 1 ? Array(repeating: counts[0], count: 3) : counts,
                                   classes: classes, inputChannels: inputChannels, inputSize: inputSize)
        } catch let error as NetworkSpecError {
            throw ValidationError(error.description)
        }
    }

    static func readable(_ s: ArchitectureSummary) -> String {
        var lines = ["Architecture \(s.index)", "  \(s.arch)", "Edges:"]
        for edge in s.edges {
            lines.append("  node \(edge.target) ← \(edge.source): \(edge.op)")
        }
        let histogram = Operation.allCases.compactMap { op -> String? in
            let n = s.operationCounts[op.rawValue] ?? 0
            return n > 0 ? "\(n) × \(op.rawValue)" : nil
        }
        lines += [
            "Operations: " + histogram.joined(separator: ", "),
            "Canonical form: \(s.canonical)",
            "Valid: " + (s.valid ? "yes (a non-none path joins input and output)" : "no (no non-none path from input to output)"),
            "Network: C=\(s.channels), cells per stage \(s.cellsPerStage.map(String.init).joined(separator: "/")), "
                + "\(s.classes) classes, input \(s.inputChannels)×\(s.inputSize)×\(s.inputSize)",
            "Parameters: \(grouped(s.params)) (\(String(format: "%.6f", s.paramsM)) M)",
            "FLOPs: \(grouped(s.flops)) per image (\(String(format: "%.4f", s.flopsM)) M)",
        ]
        return lines.joined(separator: "\n")
    }

    /// 1531546 → "1,531,546".
    private static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        return digits.enumerated().map { i, d in
            (i > 0 && (digits.count - i) % 3 == 0 ? "," : "") + String(d)
        }.joined()
    }
}
