import ArgumentParser
import Datasets
import Foundation

/// `rednas data bench PATH`: how fast the loader prepares training batches (no training).
struct DataBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure how many images per second the batch loader prepares (with augmentation)."
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
        let dataset = try Dataset.load(from: path)
        let loader = try BatchLoader(part: dataset.train, batchSize: batch, shuffle: true,
                                     augmentation: noAugment ? .disabled : .defaultFor(dataset),
                                     normalization: try .defaultFor(dataset), seed: 0)
        print("\(dataset.name) \(dataset.shape), \(dataset.train.count) train images, batch \(batch), "
            + "augmentation \(noAugment ? "none" : Augmentation.defaultFor(dataset).description)")
        for prefetch in [false, true] {
            let start = Date()
            var images = 0
            for epoch in 0..<epochs {
                if prefetch {
                    for b in loader.prefetching(epoch: epoch) { images += b.count }
                } else {
                    let order = loader.order(epoch: epoch)
                    for b in 0..<loader.batchCount { images += loader.makeBatch(b, of: order, epoch: epoch).count }
                }
            }
            let seconds = Date().timeIntervalSince(start)
            print(String(format: "%@: %d images in %.3f s = %.0f images/s", prefetch ? "prefetching " : "synchronous",
                         images, seconds, Double(images) / seconds))
        }
    }
}
