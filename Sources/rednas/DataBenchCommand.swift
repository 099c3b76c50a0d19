import ArgumentParser
import Benchmark
import Foundation

/// `rednas data bench PATH`: how fast the loader prepares training batches (no training).
struct DataBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure how many images per second the batch loader prepares (with augmentation).",
        usage: "rednas data bench <path> [--batch <n>] [--epochs <n>] [--no-augment]"
    )

    @Argument(help: "Dataset folder (any format `data inspect` reads).")
    var path: String

    @Option(parsing: .unconditional, help: "Batch size.")
    var batch = 256

    @Option(parsing: .unconditional, help: "Epochs over the training part to time.")
    var epochs = 1

    @Flag(help: "Time evaluation batches (scale + normalise only) instead of augmented ones.")
    var noAugment = false

    func validate() throws {
        guard (1...65536).contains(batch) else { throw ValidationError("--batch must be between 1 and 65536, got \(batch)") }
        guard (1...1000).contains(epochs) else { throw ValidationError("--epochs must be between 1 and 1000, got \(epochs)") }
    }

    func run() throws {
        try DataLoaderBenchmark.run(path: path, batch: batch, epochs: epochs, augment: !noAugment) { print($0) }
    }
}
