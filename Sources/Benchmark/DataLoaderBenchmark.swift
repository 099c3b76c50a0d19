import Datasets
import Foundation

/// `rednas data bench`: images per second of the batch loader on a dataset, synchronous and prefetching.
package enum DataLoaderBenchmark {
    /// Times `epochs` passes over the training part; calls `report` with a header line, then one
    /// line per mode.
    package static func run(path: String, batch: Int, epochs: Int, augment: Bool, report: (String) -> Void) throws {
        let dataset = try Dataset.load(from: path)
        let augmentation: Augmentation = augment ? .defaultFor(dataset) : .disabled
        let loader = try BatchLoader(part: dataset.train, batchSize: batch, shuffle: true, augmentation: augmentation,
                                     normalization: try .defaultFor(dataset), seed: 0)
        report("\(dataset.name) \(dataset.shape), \(dataset.train.count) train images, batch \(batch), "
            + "augmentation \(augment ? augmentation.description : "none")")
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
            report(String(format: "%@: %d images in %.3f s = %.0f images/s", prefetch ? "prefetching " : "synchronous",
                          images, seconds, Double(images) / seconds))
        }
    }
}
