import Datasets
import Foundation
import NeuralNet

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
