import Datasets
import Foundation
import NeuralNet

/// The training protocol of one candidate (NATS-Bench spec §5 by default): SGD with Nesterov
/// momentum, weight decay on every parameter, batch 256, per-epoch cosine learning rate
/// lr(e) = ½·lr₀·(1 + cos(π·e/T)), plain mean cross-entropy.
package struct TrainingRecipe: Codable, Equatable, Sendable {
    package var epochs: Int
    package var batchSize: Int
    package var learningRate: Double
    package var momentum: Double
    package var nesterov: Bool
    package var weightDecay: Double
    /// Batch size of the evaluation passes (no effect on results, only on speed and memory).
    package var evaluationBatchSize: Int
    /// `true` (default): per-epoch cosine decay; `false`: the initial rate throughout.
    package var cosineSchedule: Bool = true

    package init(epochs: Int, batchSize: Int = 256, learningRate: Double = 0.1, momentum: Double = 0.9,
                nesterov: Bool = true, weightDecay: Double = 5e-4, evaluationBatchSize: Int = 500) {
        self.epochs = epochs; self.batchSize = batchSize; self.learningRate = learningRate
        self.momentum = momentum; self.nesterov = nesterov; self.weightDecay = weightDecay
        self.evaluationBatchSize = evaluationBatchSize
    }

    /// Throws `TrainingError.invalidRecipe` naming the first bad field.
    package func validate() throws {
        func bad(_ field: String, _ value: Any, _ requirement: String) -> TrainingError {
            .invalidRecipe("\(field) \(value) must be \(requirement)")
        }
        guard epochs >= 1 else { throw bad("epochs", epochs, "at least 1") }
        guard batchSize >= 2 else { throw bad("batch size", batchSize, "at least 2 (batch norm needs 2 images)") }
        guard evaluationBatchSize >= 1 else { throw bad("evaluation batch size", evaluationBatchSize, "at least 1") }
        guard learningRate.isFinite, learningRate > 0 else { throw bad("learning rate", learningRate, "a positive number") }
        guard momentum.isFinite, (0..<1).contains(momentum) else { throw bad("momentum", momentum, "in [0, 1)") }
        guard !nesterov || momentum > 0 else { throw bad("momentum", momentum, "positive with Nesterov") }
        guard weightDecay.isFinite, weightDecay >= 0 else { throw bad("weight decay", weightDecay, "≥ 0") }
    }

    /// The learning rate of epoch `epoch` (0-based).
    package func learningRate(epoch: Int) -> Float {
        guard cosineSchedule else { return Float(learningRate) }
        return CosineSchedule(baseLearningRate: learningRate, totalEpochs: epochs).learningRate(epoch: epoch)
    }
}

/// A named list of images of one dataset part (e.g. "valid" = indices into the training part).
package struct ImageSelection: Sendable {
    package var name: String
    package var part: ImageSet
    package var indices: [Int]

    package init(name: String, part: ImageSet, indices: [Int]? = nil) {
        self.name = name; self.part = part; self.indices = indices ?? Array(0..<part.count)
    }
}

/// The images one training run uses: what it trains on (with augmentation) and what it evaluates
/// after every epoch (valid and test, both optional), all normalised the same way.
package struct TrainingData: Sendable {
    package var train: ImageSelection
    package var valid: ImageSelection?
    package var test: ImageSelection?
    package var normalization: Normalization
    package var augmentation: Augmentation
    package var classCount: Int

    package init(train: ImageSelection, valid: ImageSelection?, test: ImageSelection?,
                normalization: Normalization, augmentation: Augmentation, classCount: Int) {
        self.train = train; self.valid = valid; self.test = test
        self.normalization = normalization; self.augmentation = augmentation; self.classCount = classCount
    }

    /// Where the validation images come from.
    package enum ValidationSource: Equatable, Sendable {
        /// No validation set.
        case none
        /// The NATS-Bench CIFAR-10 25k/25k split of the training part (needs 50,000 images).
        case benchmarkSplit
        /// A hold-out of `count` training images, shuffled with `seed`.
        case heldOut(count: Int, seed: UInt64)
    }

    /// Subset sizes for proxy runs; nil = all.
    package struct SubsetSizes: Equatable, Sendable {
        package var train: Int?
        package var valid: Int?
        package var test: Int?
        package init(train: Int? = nil, valid: Int? = nil, test: Int? = nil) {
            self.train = train; self.valid = valid; self.test = test
        }
    }

    /// Splits and subsets `dataset` deterministically; subsets are class-stratified, chosen with
    /// `seed` (a data seed shared by every candidate of a search, not a candidate's own seed).
    /// `normalization` nil = the dataset's default.
    package static func prepare(_ dataset: Dataset, validation: ValidationSource, subsets: SubsetSizes = SubsetSizes(),
                               augmentation: Augmentation, normalization: Normalization? = nil,
                               seed: UInt64) throws -> TrainingData {
        var trainIndices = Array(0..<dataset.train.count)
        var validIndices: [Int]?
        switch validation {
        case .none: break
        case .benchmarkSplit:
            let split = try DataSplit.natsBenchCIFAR10(for: dataset.train)
            (trainIndices, validIndices) = (split.train, split.valid)
        case let .heldOut(count, splitSeed):
            let split = try DataSplit.seeded(count: dataset.train.count, validationCount: count, seed: splitSeed)
            (trainIndices, validIndices) = (split.train, split.valid)
        }
        func subset(_ size: Int?, _ indices: [Int], _ labels: [Int32], _ salt: UInt64) throws -> [Int] {
            guard let size else { return indices }
            return try Subset.choose(size, from: indices, labels: labels, method: .stratified, seed: seed &+ salt)
        }
        trainIndices = try subset(subsets.train, trainIndices, dataset.train.labels, 102)
        let valid = try validIndices.map {
            ImageSelection(name: "valid", part: dataset.train, indices: try subset(subsets.valid, $0, dataset.train.labels, 103))
        }
        let test = dataset.test.count == 0 ? nil : ImageSelection(
            name: "test", part: dataset.test,
            indices: try subset(subsets.test, Array(0..<dataset.test.count), dataset.test.labels, 104))
        return TrainingData(train: ImageSelection(name: "train", part: dataset.train, indices: trainIndices),
                            valid: valid, test: test,
                            normalization: try normalization ?? Normalization.defaultFor(dataset),
                            augmentation: augmentation,
                            classCount: dataset.classCount)
    }
}

/// Bad training requests and failed resumes; each says what is wrong and where.
package enum TrainingError: Error, CustomStringConvertible, LocalizedError, Equatable {
    case invalidRecipe(String)
    case dataMismatch(String)
    case checkpoint(path: String, detail: String)

    package var description: String {
        switch self {
        case .invalidRecipe(let detail): return "invalid training settings: \(detail)"
        case .dataMismatch(let detail): return "the data does not fit the network: \(detail)"
        case let .checkpoint(path, detail): return "\(path): \(detail)"
        }
    }

    package var errorDescription: String? { description }
}
