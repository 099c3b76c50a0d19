import CellSpace
import Foundation
import Persistence

/// `rednas arch`: one architecture at one network shape, described as the benchmark counts it.
package struct ArchitectureQuery {
    package var architecture: String
    package var channels: Int
    /// One count N, or three counts "n1,n2,n3".
    package var cells: String
    package var classes: Int
    package var inputChannels: Int
    package var inputSize: Int

    package init(architecture: String, channels: Int, cells: String, classes: Int, inputChannels: Int, inputSize: Int) {
        self.architecture = architecture; self.channels = channels; self.cells = cells
        self.classes = classes; self.inputChannels = inputChannels; self.inputSize = inputSize
    }

    /// What is wrong with an option, in the words `rednas arch` prints.
    package struct Problem: Error, CustomStringConvertible {
        package var description: String
    }

    /// Checks every option against the network limits, naming the option.
    /// - Throws: `Problem`.
    package func validate() throws {
        let limits = NetworkSpec.Limits.self
        try Self.check("--channels", channels, 1...limits.channels)
        try Self.check("--classes", classes, 1...limits.classes)
        guard inputChannels == 1 || inputChannels == 3 else {
            throw Problem(description: "--input-channels must be 1 (grayscale) or 3 (RGB), got \(inputChannels)")
        }
        try Self.check("--input-size", inputSize, 4...limits.inputSize)
        guard inputSize % 4 == 0 else {
            throw Problem(description: "--input-size must be a multiple of 4 (the two reductions halve it), got \(inputSize)")
        }
        _ = try network()
    }

    private static func check(_ option: String, _ value: Int, _ range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            throw Problem(description: "\(option) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
    }

    /// The summary (strings, index, canonical form, validity, params, FLOPs).
    package func summary() throws -> ArchitectureSummary {
        ArchitectureSummary(cell: try Cell(specifier: architecture), network: try network())
    }

    private func network() throws -> NetworkSpec {
        let parts = cells.split(separator: ",", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.allSatisfy({ $0 != nil }), parts.count == 1 || parts.count == 3 else {
            throw Problem(description: "--cells must be one count N or three counts n1,n2,n3 (got '\(cells)')")
        }
        let counts = parts.map { $0! }
        if let bad = counts.first(where: { !(0...NetworkSpec.Limits.cellsPerStage).contains($0) }) {
            throw Problem(description: "--cells must be between 0 and \(NetworkSpec.Limits.cellsPerStage) per stage, got \(bad)")
        }
        do {
            return try NetworkSpec(channels: channels, cellsPerStage: counts.count == 1 ? Array(repeating: counts[0], count: 3) : counts,
                                   classes: classes, inputChannels: inputChannels, inputSize: inputSize)
        } catch let error as NetworkSpecError {
            throw Problem(description: error.description)
        }
    }

    /// Pretty-printed, key-sorted JSON of a summary.
    package static func json(_ s: ArchitectureSummary) throws -> String {
        String(decoding: try JSONStyle.document(s), as: UTF8.self)
    }

    /// The readable summary `rednas arch` prints.
    package static func readable(_ s: ArchitectureSummary) -> String {
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
