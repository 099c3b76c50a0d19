import ArgumentParser
import Foundation
import RedNASCore

/// `rednas arch`: describe one NATS-Bench topology architecture (string, index, canonical form,
/// validity, parameters and FLOPs of the network built from it).
struct ArchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arch",
        abstract: "Describe a NATS-Bench topology architecture: index, string, canonical form, params, FLOPs.",
        usage: "rednas arch <architecture> [--channels <c>] [--cells <n|n1,n2,n3>]\n  [--classes <k>] [--input-channels <c>] [--input-size <s>] [--json]",
        discussion: """
            ARCHITECTURE is a benchmark index (0...15624) or a NATS string; quote strings, \
            since '|' is a shell pipe. Examples:

              rednas arch 1462 --json
              rednas arch '|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|'

            Counts follow the benchmark: params = every trainable scalar (BN included); \
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
        do { try query.validate() } catch let problem as ArchitectureQuery.Problem {
            throw ValidationError(problem.description)
        }
    }

    private var query: ArchitectureQuery {
        ArchitectureQuery(architecture: architecture[0], channels: channels, cells: cells, classes: classes,
                          inputChannels: inputChannels, inputSize: inputSize)
    }

    func run() throws {
        let summary = try query.summary()
        print(json ? try ArchitectureQuery.json(summary) : ArchitectureQuery.readable(summary))
    }
}
