import Randomness
import XCTest
@testable import Datasets

final class BatchLoaderTests: XCTestCase {
    private let shape = ImageShape(channels: 3, height: 5, width: 4)

    private func part(_ count: Int) -> ImageSet {
        var generator = SeededGenerator(seed: 21)
        let pixels = (0..<(count * shape.volume)).map { _ in UInt8(generator.int(below: 256)) }
        return ImageSet(shape: shape, pixels: pixels, labels: (0..<count).map { Int32($0 % 7) })
    }

    private func loader(_ part: ImageSet, indices: [Int]? = nil, batch: Int, shuffle: Bool = true,
                        augmentation: Augmentation = .standard, seed: UInt64 = 5) throws -> BatchLoader {
        try BatchLoader(part: part, indices: indices, batchSize: batch, shuffle: shuffle, augmentation: augmentation,
                        normalization: .cifar10, seed: seed)
    }

    func testEveryIndexOnceAndLastPartialBatchKept() throws {
        let data = part(23)
        let indices = Array(stride(from: 1, to: 23, by: 2))   // 11 indices
        let l = try loader(data, indices: indices, batch: 4)
        XCTAssertEqual(l.batchCount, 3)
        for epoch in 0..<3 {
            let batches = l.batches(epoch: epoch)
            XCTAssertEqual(batches.map(\.count), [4, 4, 3])
            XCTAssertEqual(batches.flatMap(\.indices).sorted(), indices)
            for batch in batches {
                XCTAssertEqual(batch.images.count, batch.count * shape.volume)
                XCTAssertEqual(batch.labels, batch.indices.map { data.labels[$0] })
            }
        }
    }

    func testEvaluationBatchIsScaleAndNormaliseOnly() throws {
        let data = part(6)
        let l = try loader(data, batch: 4, shuffle: false, augmentation: .disabled)
        let batches = l.batches(epoch: 0)
        XCTAssertEqual(batches.flatMap(\.indices), Array(0..<6))
        let expected = data.pixels.enumerated().map { i, byte in
            Normalization.cifar10.value(of: byte, channel: (i % shape.volume) / shape.planeSize)
        }
        XCTAssertEqual(batches.flatMap(\.images), expected)
    }

    func testAugmentedBatchMatchesReferenceWithTheDerivedGenerator() throws {
        let data = part(9)
        let l = try loader(data, batch: 4)
        let order = l.order(epoch: 2)
        let batch = l.makeBatch(1, of: order, epoch: 2)
        var generator = l.augmentationGenerator(epoch: 2, batch: 1)
        let reference = try ImageRenderer(shape: shape, normalization: .cifar10)
        var expected: [Float] = []
        for index in order[4..<8] {
            expected += reference.renderReference(Array(data.image(index)), choice: Augmentation.standard.draw(using: &generator))
        }
        XCTAssertEqual(batch.images, expected)
    }

    func testSameSeedSameBatchesDifferentEpochDifferentOrder() throws {
        let data = part(50)
        let a = try loader(data, batch: 8, seed: 5), b = try loader(data, batch: 8, seed: 5)
        XCTAssertEqual(a.batches(epoch: 3), b.batches(epoch: 3))
        XCTAssertNotEqual(a.order(epoch: 3), a.order(epoch: 4))
        XCTAssertNotEqual(a.order(epoch: 3), try loader(data, batch: 8, seed: 6).order(epoch: 3))
        // Same order and indices but different augmentation between epochs with shuffling off.
        let fixed = try loader(data, batch: 8, shuffle: false)
        XCTAssertEqual(fixed.order(epoch: 0), fixed.order(epoch: 1))
        XCTAssertNotEqual(fixed.batches(epoch: 0)[0].images, fixed.batches(epoch: 1)[0].images)
    }

    func testPrefetchingMatchesSynchronousAndResumes() throws {
        let l = try loader(part(37), batch: 5)
        let synchronous = l.batches(epoch: 1)
        let prefetched = Array(l.prefetching(epoch: 1, depth: 2))
        XCTAssertEqual(prefetched, synchronous)
        // Resuming mid-epoch reproduces the remaining batches without building the earlier ones.
        XCTAssertEqual(Array(l.prefetching(epoch: 1, startingAt: 5, depth: 1)), Array(synchronous[5...]))
        XCTAssertEqual(Array(l.prefetching(epoch: 1, startingAt: 99)), [])
    }

    func testPrefetchingCanBeClosedEarly() throws {
        let l = try loader(part(200), batch: 3)
        let iterator = l.prefetching(epoch: 0, depth: 2)
        XCTAssertEqual(iterator.next(), l.makeBatch(0, of: l.order(epoch: 0), epoch: 0))
        iterator.close()
        XCTAssertNil(iterator.next())
        iterator.close()   // idempotent
        // Dropping an unfinished iterator stops its thread too (deinit closes it).
        for _ in 0..<20 { _ = l.prefetching(epoch: 1).next() }
    }

    func testInvalidLoaderRequests() {
        let data = part(4)
        XCTAssertThrowsError(try loader(data, batch: 0))
        XCTAssertThrowsError(try loader(data, indices: [0, 4], batch: 2))
        XCTAssertThrowsError(try loader(data, indices: [-1], batch: 2))
    }
}
