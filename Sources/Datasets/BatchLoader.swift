import Randomness

/// A mini-batch ready for the trainer: `images` is `count × C × H × W` normalised Floats (NCHW),
/// `labels[i]` the class of image `i`, `indices[i]` its index in the part it came from.
public struct Batch: Equatable, Sendable {
    /// `count × C × H × W` normalised values, NCHW.
    public var images: [Float]
    /// The class of each image.
    public var labels: [Int32]
    /// Each image's index in the part it came from.
    public var indices: [Int]
    /// The geometry of one image.
    public var shape: ImageShape
    /// Number of images in the batch.
    public var count: Int { labels.count }
}

/// Cuts a part (restricted to an index list) into mini-batches, epoch by epoch, deterministically.
///
/// - Epoch order: the index list as given, or (with `shuffle`) shuffled by a generator derived from
///   `(seed, epoch)` alone, so resuming at epoch e reproduces it without replaying epochs 0..<e.
/// - Batches are consecutive slices of that order of `batchSize` images; the last one keeps the
///   remainder (`batchCount = ⌈n / batchSize⌉`).
/// - Augmentation choices of batch b come from a generator derived from `(seed, epoch, b)`, drawn
///   image by image in batch order, so a batch is the same whichever thread builds it and when.
public struct BatchLoader: Sendable {
    /// The images batches are cut from.
    public let part: ImageSet
    /// The indices into ``part`` an epoch covers, in unshuffled order.
    public let indices: [Int]
    /// Images per batch (the last batch may hold fewer).
    public let batchSize: Int
    /// Whether each epoch shuffles ``indices``.
    public let shuffle: Bool
    /// The random augmentation applied to each image.
    public let augmentation: Augmentation
    /// Turns bytes into normalised floats.
    public let renderer: ImageRenderer
    /// Seed of the shuffling and augmentation streams.
    public let seed: UInt64

    /// `indices` nil means every image of `part`. Throws for an empty batch size, an index outside
    /// the part, or a normalisation whose channel count does not match the images.
    public init(part: ImageSet, indices: [Int]? = nil, batchSize: Int, shuffle: Bool,
                augmentation: Augmentation = .disabled, normalization: Normalization, seed: UInt64) throws {
        guard batchSize > 0 else { throw DatasetError.invalidRequest("batch size must be positive, got \(batchSize)") }
        let indices = indices ?? Array(0..<part.count)
        if let bad = indices.first(where: { $0 < 0 || $0 >= part.count }) {
            throw DatasetError.invalidRequest("index \(bad) is outside the part (\(part.count) images)")
        }
        self.part = part; self.indices = indices; self.batchSize = batchSize; self.shuffle = shuffle
        self.augmentation = augmentation; self.seed = seed
        renderer = try ImageRenderer(shape: part.shape, normalization: normalization)
    }

    /// Number of batches per epoch, the last possibly partial.
    public var batchCount: Int { (indices.count + batchSize - 1) / batchSize }

    /// The order in which epoch `epoch` visits the indices. O(n).
    public func order(epoch: Int) -> [Int] {
        guard shuffle else { return indices }
        var order = indices
        var generator = SeededGenerator(seed: seed, stream: 1).derived(UInt64(truncatingIfNeeded: epoch))
        generator.shuffle(&order)
        return order
    }

    /// The generator for batch `batch` of epoch `epoch`'s augmentation choices.
    public func augmentationGenerator(epoch: Int, batch: Int) -> SeededGenerator {
        SeededGenerator(seed: seed, stream: 2).derived(UInt64(truncatingIfNeeded: epoch))
            .derived(UInt64(truncatingIfNeeded: batch))
    }

    /// Builds batch `batch` (0..<batchCount) of `order` (= `order(epoch:)`). Pure: the result
    /// depends only on the arguments and the loader.
    public func makeBatch(_ batch: Int, of order: [Int], epoch: Int) -> Batch {
        precondition(batch >= 0 && batch < batchCount, "batch \(batch) out of 0..<\(batchCount)")
        let members = Array(order[(batch * batchSize)..<min(order.count, (batch + 1) * batchSize)])
        let volume = part.shape.volume
        var generator = augmentationGenerator(epoch: epoch, batch: batch)
        var images = [Float](repeating: 0, count: members.count * volume)
        var labels = [Int32](repeating: 0, count: members.count)
        part.pixels.withUnsafeBufferPointer { pixels in
            images.withUnsafeMutableBufferPointer { out in
                for (slot, index) in members.enumerated() {
                    let choice = augmentation.isIdentity ? .identity : augmentation.draw(using: &generator)
                    renderer.render(pixels, offset: index * volume, choice: choice, into: out, outOffset: slot * volume)
                    labels[slot] = part.labels[index]
                }
            }
        }
        return Batch(images: images, labels: labels, indices: members, shape: part.shape)
    }

    /// The batches of one epoch, built on demand on the calling thread.
    public func batches(epoch: Int) -> [Batch] {
        let order = order(epoch: epoch)
        return (0..<batchCount).map { makeBatch($0, of: order, epoch: epoch) }
    }

    /// The batches of one epoch from `startBatch` on, built ahead on a background thread (at most
    /// `depth` waiting) so that preparing batch b+1 overlaps training on batch b. Identical to
    /// `batches(epoch:)`. Call `close()` (or drop the iterator) to stop early.
    public func prefetching(epoch: Int, startingAt startBatch: Int = 0, depth: Int = 2) -> PrefetchingBatches {
        PrefetchingBatches(loader: self, epoch: epoch, startBatch: startBatch, depth: depth)
    }
}
