import Randomness
import XCTest
@testable import Datasets

final class AugmentationTests: XCTestCase {
    private let shape = ImageShape(channels: 3, height: 6, width: 7)
    /// value = byte / 255 exactly (mean 0, std 1).
    private var scaleOnly: Normalization { try! Normalization(mean: [0, 0, 0], std: [1, 1, 1]) }

    private func image(_ seed: UInt64) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        return (0..<shape.volume).map { _ in UInt8(1 + generator.int(below: 255)) }   // never 0
    }

    private func render(_ image: [UInt8], _ choice: AugmentationChoice, _ normalization: Normalization) throws -> [Float] {
        let renderer = try ImageRenderer(shape: shape, normalization: normalization)
        var out = [Float](repeating: .nan, count: shape.volume)
        image.withUnsafeBufferPointer { pixels in
            out.withUnsafeMutableBufferPointer { renderer.render(pixels, offset: 0, choice: choice, into: $0, outOffset: 0) }
        }
        return out
    }

    func testFlipMirrorsEachRowExactly() throws {
        let img = image(1)
        let out = try render(img, AugmentationChoice(flip: true, cropTop: 0, cropLeft: 0), scaleOnly)
        for c in 0..<3 { for y in 0..<6 { for x in 0..<7 {
            XCTAssertEqual(out[(c * 6 + y) * 7 + x], Float(img[(c * 6 + y) * 7 + (6 - x)]) / 255)
        } } }
    }

    func testCropShiftsExactlyAndFillsPaddingWithNormalisedZero() throws {
        let img = image(2)
        let normalization = try Normalization(mean: [0.5, 0.25, 0.1], std: [0.5, 0.2, 0.3])
        let choice = AugmentationChoice(flip: false, cropTop: 2, cropLeft: -3)
        let out = try render(img, choice, normalization)
        for c in 0..<3 { for y in 0..<6 { for x in 0..<7 {
            let (sy, sx) = (y + 2, x - 3)
            let inside = sy < 6 && sx >= 0
            let byte: UInt8 = inside ? img[(c * 6 + sy) * 7 + sx] : 0
            XCTAssertEqual(out[(c * 6 + y) * 7 + x], normalization.value(of: byte, channel: c))
        } } }
        // The padded corner is the normalised zero byte, not 0.0.
        XCTAssertEqual(out[5 * 7 + 0], (0 - 0.5) / 0.5)
    }

    func testFastRendererMatchesReferenceForEveryChoice() throws {
        let img = image(3)
        let renderer = try ImageRenderer(shape: shape, normalization: .cifar10)
        for flip in [false, true] { for top in -4...4 { for left in -4...4 {
            let choice = AugmentationChoice(flip: flip, cropTop: top, cropLeft: left)
            XCTAssertEqual(try render(img, choice, .cifar10), renderer.renderReference(img, choice: choice), "\(choice)")
        } } }
        // Shifts beyond the image leave only padding.
        let empty = try render(img, AugmentationChoice(flip: true, cropTop: 0, cropLeft: 9), .cifar10)
        XCTAssertEqual(empty, renderer.renderReference(img, choice: AugmentationChoice(flip: true, cropTop: 0, cropLeft: 9)))
    }

    func testDrawsAreSeededAndCoverTheRange() {
        var a = SeededGenerator(seed: 4), b = SeededGenerator(seed: 4)
        let augmentation = Augmentation.standard
        let drawsA = (0..<4000).map { _ in augmentation.draw(using: &a) }
        let drawsB = (0..<4000).map { _ in augmentation.draw(using: &b) }
        XCTAssertEqual(drawsA, drawsB)
        XCTAssertEqual(Set(drawsA.map(\.cropTop)), Set(-4...4))
        XCTAssertEqual(Set(drawsA.map(\.cropLeft)), Set(-4...4))
        let flips = drawsA.filter(\.flip).count
        XCTAssertTrue((1800...2200).contains(flips), "flip rate \(flips)/4000")
        var c = SeededGenerator(seed: 4)
        let noFlip = Augmentation(horizontalFlip: false, cropPadding: 2)
        let drawsC = (0..<500).map { _ in noFlip.draw(using: &c) }
        XCTAssertFalse(drawsC.contains(where: \.flip))
        XCTAssertEqual(Set(drawsC.map(\.cropTop)), Set(-2...2))
    }

    func testDefaultAugmentationPerDataset() {
        let shape = ImageShape(channels: 1, height: 1, width: 1)
        func dataset(_ name: String, _ format: DatasetFormat) -> Dataset {
            Dataset(name: name, format: format, train: .empty(shape: shape), test: .empty(shape: shape),
                    classCount: 1, classNames: ["x"])
        }
        XCTAssertEqual(Augmentation.defaultFor(dataset("CIFAR-10", .cifar10)), .standard)
        XCTAssertEqual(Augmentation.defaultFor(dataset("Fashion-MNIST", .idx)), .standard)
        XCTAssertFalse(Augmentation.defaultFor(dataset("MNIST", .idx)).horizontalFlip)
    }
}
