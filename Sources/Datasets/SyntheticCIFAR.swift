import Foundation
import Randomness

/// A synthetic, learnable CIFAR-10-format dataset for tests and demos.
///
/// Class k has a template: a base colour and a sinusoidal stripe pattern whose orientation and
/// frequency depend on k. An image is its class template plus per-pixel uniform noise in
/// ±`noise` (0…255 units), clamped to bytes. Labels are drawn uniformly. All randomness comes
/// from `SeededGenerator(seed:)`, so the same arguments give the same bytes.
public struct SyntheticCIFAR: Sendable {
    /// Images in the training files.
    public var trainCount: Int
    /// Images in the test file.
    public var testCount: Int
    /// Number of classes (1 … 10).
    public var classCount: Int
    /// Half-width of the uniform pixel noise, in 0…255 units.
    public var noise: Double
    /// Seed of every random choice.
    public var seed: UInt64

    /// A generator for the given sizes.
    ///
    /// - Throws: ``DatasetError/invalidRequest(_:)`` for negative counts or a class count outside 1 … 10.
    public init(trainCount: Int, testCount: Int, classCount: Int = 10, noise: Double = 48, seed: UInt64 = 0) throws {
        guard trainCount >= 0, testCount >= 0 else {
            throw DatasetError.invalidRequest("image counts must not be negative (train \(trainCount), test \(testCount))")
        }
        guard (1...10).contains(classCount) else {
            throw DatasetError.invalidRequest("CIFAR-10 format holds 1 to 10 classes, got \(classCount)")
        }
        guard noise >= 0 && noise.isFinite else {
            throw DatasetError.invalidRequest("noise must be a non-negative number, got \(noise)")
        }
        self.trainCount = trainCount; self.testCount = testCount; self.classCount = classCount
        self.noise = noise; self.seed = seed
    }

    /// Class names written to `batches.meta.txt`: "synthetic-0", "synthetic-1", ….
    public var classNames: [String] { (0..<classCount).map { "synthetic-\($0)" } }

    /// The dataset in memory (train uses stream 1 of the seed, test stream 2).
    public func generate() -> Dataset {
        let templates = (0..<classCount).map(Self.template)
        let train = makePart(trainCount, templates: templates, generator: SeededGenerator(seed: seed, stream: 1))
        let test = makePart(testCount, templates: templates, generator: SeededGenerator(seed: seed, stream: 2))
        return Dataset(name: "CIFAR-10", format: .cifar10, train: train, test: test,
                       classCount: classCount, classNames: classNames)
    }

    /// Writes the dataset as a CIFAR-10 binary folder and returns it.
    @discardableResult
    public func write(to folder: String) throws -> Dataset {
        let dataset = generate()
        try CIFARWriter.writeCIFAR10Folder(train: dataset.train, test: dataset.test,
                                           classNames: classNames, to: folder)
        return dataset
    }

    private func makePart(_ count: Int, templates: [[Double]], generator: SeededGenerator) -> ImageSet {
        var generator = generator
        let volume = CIFARReader.shape.volume
        var pixels = [UInt8](repeating: 0, count: count * volume)
        var labels = [Int32](repeating: 0, count: count)
        for i in 0..<count {
            let label = generator.int(below: classCount)
            labels[i] = Int32(label)
            let template = templates[label]
            for j in 0..<volume {
                let value = template[j] + noise * (2 * generator.nextDouble() - 1)
                pixels[i * volume + j] = UInt8(max(0, min(255, value.rounded())))
            }
        }
        return ImageSet(shape: CIFARReader.shape, pixels: pixels, labels: labels)
    }

    /// Class k's noiseless image: colour k of a fixed palette plus ±50 stripes at angle k·π/10
    /// with k + 1 periods across the image.
    static func template(_ k: Int) -> [Double] {
        let palette: [[Double]] = [
            [200, 60, 60], [60, 200, 60], [60, 60, 200], [200, 200, 60], [200, 60, 200],
            [60, 200, 200], [128, 128, 128], [220, 140, 40], [40, 140, 220], [140, 40, 220],
        ]
        let angle = Double(k) * Double.pi / 10, frequency = Double(k + 1) * 2 * Double.pi / 32
        var image = [Double](repeating: 0, count: 3 * 32 * 32)
        for c in 0..<3 { for y in 0..<32 { for x in 0..<32 {
            let phase = (Double(x) * cos(angle) + Double(y) * sin(angle)) * frequency
            image[(c * 32 + y) * 32 + x] = palette[k][c] + 50 * sin(phase)
        } } }
        return image
    }
}
