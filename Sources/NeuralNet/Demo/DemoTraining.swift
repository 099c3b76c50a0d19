import Foundation
import TensorEngine
import Randomness

/// Trains `TinyConvNet` on `SyntheticPatterns` with the NATS-Bench recipe (SGD, Nesterov momentum
/// 0.9, weight decay 5e-4, per-epoch cosine learning rate): the `rednas demo` workload.
public struct DemoTraining {
    /// What to train and for how long; the defaults are the `rednas demo` defaults.
    public struct Options: Equatable {
        /// Passes over the training images.
        public var epochs = 5
        /// Seed of the data, the initial weights and the shuffling.
        public var seed: UInt64 = 0
        /// Images per SGD step.
        public var batchSize = 64
        /// Number of synthetic training images.
        public var trainImages = 8192
        /// Number of synthetic test images.
        public var testImages = 1024
        /// Channels of the ``TinyConvNet``'s convolution.
        public var width = 16
        /// Learning rate of the first epoch (cosine-annealed afterwards).
        public var learningRate = 0.1
        /// The defaults.
        public init() {}
    }

    /// One epoch's outcome. `imagesPerSecond` is wall-clock training throughput (informational).
    public struct EpochReport: Equatable {
        /// The epoch, 0-based.
        public var epoch: Int
        /// The learning rate used throughout the epoch.
        public var learningRate: Float
        /// Mean training loss per image over the epoch (each batch's mean weighted by its size).
        public var trainLoss: Double
        /// Fraction of training images classified correctly during the epoch.
        public var trainAccuracy: Double
        /// Fraction of test images classified correctly after the epoch.
        public var testAccuracy: Double
        /// Training images per wall-clock second.
        public var imagesPerSecond: Double
    }

    /// The settings this demo runs with.
    public let options: Options
    /// A demo that trains with `options`.
    public init(options: Options) { self.options = options }

    /// Runs all epochs, calling `onEpoch` after each; returns the reports.
    @discardableResult
    public func run(onEpoch: (EpochReport) -> Void = { _ in }) -> [EpochReport] {
        var generator = SeededGenerator(seed: options.seed)
        var dataGenerator = generator.derived(1)
        let train = SyntheticPatterns.make(count: options.trainImages, using: &dataGenerator)
        let test = SyntheticPatterns.make(count: options.testImages, using: &dataGenerator)
        var initGenerator = generator.derived(2)
        let model = TinyConvNet(inChannels: SyntheticPatterns.channels, width: options.width,
                                classes: SyntheticPatterns.classes, generator: &initGenerator)
        let optimizer = SGD(parameters: model.parameters, learningRate: 0)
        let schedule = CosineSchedule(baseLearningRate: options.learningRate, totalEpochs: options.epochs)
        var order = Array(0..<options.trainImages)
        var reports: [EpochReport] = []
        for epoch in 0..<options.epochs {
            optimizer.learningRate = schedule.learningRate(epoch: epoch)
            generator.shuffle(&order)
            let start = Date()
            var lossSum = 0.0, correct = 0
            for first in stride(from: 0, to: order.count, by: options.batchSize) {
                let indices = Array(order[first..<min(first + options.batchSize, order.count)])
                let (images, labels) = Self.batch(train, indices)
                optimizer.zeroGrad()
                let g = Graph(recording: true)
                let result = g.softmaxCrossEntropy(logits: model(g.constant(images), in: g, training: true), labels: labels)
                g.backward(result.loss)
                optimizer.step()
                lossSum += Double(g.value(result.loss).scalar) * Double(indices.count)
                correct += result.correct
            }
            let seconds = Date().timeIntervalSince(start)
            let report = EpochReport(epoch: epoch, learningRate: optimizer.learningRate,
                                     trainLoss: lossSum / Double(order.count),
                                     trainAccuracy: Double(correct) / Double(order.count),
                                     testAccuracy: Self.accuracy(of: model, on: test, batchSize: options.batchSize),
                                     imagesPerSecond: Double(order.count) / max(seconds, 1e-9))
            reports.append(report)
            onEpoch(report)
        }
        return reports
    }

    static func accuracy(of model: TinyConvNet, on set: (images: Tensor, labels: [Int32]), batchSize: Int) -> Double {
        var correct = 0
        let count = set.labels.count
        for first in stride(from: 0, to: count, by: batchSize) {
            let (images, labels) = batch(set, Array(first..<min(first + batchSize, count)))
            let g = Graph(recording: false)
            correct += g.softmaxCrossEntropy(logits: model(g.constant(images), in: g, training: false), labels: labels).correct
        }
        return Double(correct) / Double(count)
    }

    /// Gathers the images and labels at `indices` into one batch.
    static func batch(_ set: (images: Tensor, labels: [Int32]), _ indices: [Int]) -> (Tensor, [Int32]) {
        let imageSize = set.images.count / set.images.shape[0]
        var data = [Float](repeating: 0, count: indices.count * imageSize)
        set.images.data.withUnsafeBufferPointer { src in
            data.withUnsafeMutableBufferPointer { dst in
                for (row, i) in indices.enumerated() {
                    (dst.baseAddress! + row * imageSize).update(from: src.baseAddress! + i * imageSize, count: imageSize)
                }
            }
        }
        var shape = set.images.shape
        shape[0] = indices.count
        return (Tensor(shape: shape, data: data), indices.map { set.labels[$0] })
    }
}
