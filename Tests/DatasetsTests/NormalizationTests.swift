import XCTest
@testable import Datasets

final class NormalizationTests: XCTestCase {
    func testBenchmarkConstants() {
        XCTAssertEqual(Normalization.cifar10.mean, [125.3 / 255, 123.0 / 255, 113.9 / 255].map { Float($0) })
        XCTAssertEqual(Normalization.cifar10.std, [63.0 / 255, 62.1 / 255, 66.7 / 255].map { Float($0) })
        XCTAssertEqual(Normalization.cifar100.mean, [129.3 / 255, 124.1 / 255, 112.4 / 255].map { Float($0) })
        XCTAssertEqual(Normalization.cifar100.std, [68.2 / 255, 65.4 / 255, 70.4 / 255].map { Float($0) })
        // A red byte of 200: (200/255 − 125.3/255) / (63.0/255) = 74.7 / 63.0.
        XCTAssertEqual(Normalization.cifar10.value(of: 200, channel: 0), Float(74.7 / 63.0), accuracy: 1e-5)
        XCTAssertEqual(Normalization.cifar10.value(of: 0, channel: 2), Float(-113.9 / 66.7), accuracy: 1e-5)
    }

    func testDefaultsPerDataset() throws {
        let shape = ImageShape(channels: 1, height: 1, width: 2)
        let part = ImageSet(shape: shape, pixels: [0, 255, 255, 255], labels: [0, 1])
        let idx = Dataset(name: "IDX", format: .idx, train: part, test: .empty(shape: shape), classCount: 2,
                          classNames: ["a", "b"])
        let computed = try Normalization.defaultFor(idx)
        // Pixels 0, 255, 255, 255: mean 191.25, population std √(3·63.75² + 191.25²)/2 = 110.4185…
        XCTAssertEqual(computed.mean[0], Float(191.25 / 255), accuracy: 1e-6)
        XCTAssertEqual(computed.std[0], Float((3 * 63.75 * 63.75 + 191.25 * 191.25) / 4).squareRoot() / 255, accuracy: 1e-6)
        var cifar = idx
        cifar.format = .cifar10
        XCTAssertEqual(try Normalization.defaultFor(cifar), .cifar10)
    }

    func testChannelStatisticsMatchNaiveComputation() {
        let shape = ImageShape(channels: 3, height: 4, width: 5)
        var generator = SeededGenerator(seed: 11)
        let pixels = (0..<(7 * shape.volume)).map { _ in UInt8(generator.int(below: 256)) }
        let stats = ChannelStatistics(ImageSet(shape: shape, pixels: pixels, labels: [Int32](repeating: 0, count: 7)))
        for c in 0..<3 {
            let values = (0..<7).flatMap { i in (0..<20).map { Double(pixels[i * 60 + c * 20 + $0]) } }
            let mean = values.reduce(0, +) / Double(values.count)
            let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
            XCTAssertEqual(stats.mean255[c], mean, accuracy: 1e-9)
            XCTAssertEqual(stats.std255[c], std, accuracy: 1e-9)
            XCTAssertEqual(stats.std01[c], std / 255, accuracy: 1e-12)
        }
    }

    func testInvalidNormalisationIsRejected() {
        XCTAssertThrowsError(try Normalization(mean: [0.5], std: [0]))
        XCTAssertThrowsError(try Normalization(mean: [0.5, 0.5], std: [1]))
        XCTAssertThrowsError(try ImageRenderer(shape: ImageShape(channels: 1, height: 2, width: 2),
                                               normalization: .cifar10))
    }
}

import Randomness
