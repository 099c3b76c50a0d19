import CellSpace
import Datasets
import Foundation
import Configuration

/// Everything one `rednas train` run needs, resolved from a `TrainRunConfig`: the architecture,
/// the network shape (classes, channels and size from the dataset), the recipe and the data.
package struct TrainRunSetup {
    package var cell: Cell
    package var spec: NetworkSpec
    package var recipe: TrainingRecipe
    package var data: TrainingData
    package var seed: UInt64
    package var datasetName: String

    /// Loads the dataset and resolves the config. `archSpecifier` (index or NATS string) overrides
    /// `config.arch`. Throws clear errors for a missing/bad architecture, missing data or a network
    /// shape the images do not allow.
    package static func resolve(_ config: TrainRunConfig, archSpecifier: String?) throws -> TrainRunSetup {
        guard let specifier = archSpecifier ?? config.arch else {
            throw TrainingError.invalidRecipe("no architecture: pass --arch INDEX|STRING or set `arch` in the config")
        }
        let cell = try Cell(specifier: specifier)
        let p = try ProtocolSetup.resolve(dataset: config.dataset, network: config.network, training: config.training)
        return TrainRunSetup(cell: cell, spec: p.spec, recipe: p.recipe, data: p.data, seed: UInt64(bitPattern: Int64(config.seed)),
                             datasetName: p.datasetName)
    }

    static func format(of kind: DatasetConfig.Kind) -> DatasetFormat {
        switch kind {
        case .fashionMNIST, .mnist, .idx: return .idx
        case .cifar10: return .cifar10
        case .cifar100: return .cifar100
        }
    }
}

/// The architecture-independent part of a training setup, shared by `rednas train` and the search's
/// evaluator: the loaded and split data, the network shape (classes, channels, size from the data)
/// and the recipe.
package struct ProtocolSetup {
    package var spec: NetworkSpec
    package var recipe: TrainingRecipe
    package var data: TrainingData
    package var datasetName: String

    /// Loads the dataset and resolves the three config sections. Throws clear errors for missing
    /// data or a network shape the images do not allow.
    package static func resolve(dataset d: DatasetConfig, network: NetworkConfig, training t: TrainingConfig) throws -> ProtocolSetup {
        try d.checkPath()
        let dataset = try Dataset.load(from: d.path, options: DatasetLoadOptions(format: TrainRunSetup.format(of: d.kind)))
        try d.check(against: dataset)
        let validation: TrainingData.ValidationSource
        switch d.split {
        case .benchmark: validation = .benchmarkSplit
        case .holdout:
            let count = d.validCount > 0 ? d.validCount : Int((Double(dataset.train.count) * d.validFraction).rounded())
            validation = .heldOut(count: count, seed: UInt64(d.splitSeed))
        }
        func size(_ n: Int) -> Int? { n > 0 ? n : nil }
        var normalization: Normalization?
        if d.mean != nil || d.std != nil {
            let defaults = ChannelStatistics(dataset.train)
            normalization = try Normalization(mean255: d.mean ?? defaults.mean255, std255: d.std ?? defaults.std255)
        }
        let data = try TrainingData.prepare(dataset, validation: validation,
                                            subsets: .init(train: size(d.trainSubset), valid: size(d.validSubset), test: size(d.testSubset)),
                                            augmentation: Augmentation(horizontalFlip: d.flip, cropPadding: d.cropPadding),
                                            normalization: normalization, seed: UInt64(d.splitSeed))
        let shape = dataset.shape
        guard shape.height == shape.width else {
            throw TrainingError.dataMismatch("images are \(shape.height)×\(shape.width); the network needs square images")
        }
        let spec = try NetworkSpec(channels: network.channels, cellsPerStage: network.stageCells,
                                   classes: dataset.classCount, inputChannels: shape.channels, inputSize: shape.height)
        try spec.checkMemory(batchSize: t.batchSize, dataBytes: dataset.train.pixels.count + dataset.test.pixels.count)
        var recipe = TrainingRecipe(epochs: t.epochs, batchSize: t.batchSize, learningRate: t.lr, momentum: t.momentum,
                                    nesterov: t.nesterov, weightDecay: t.weightDecay)
        recipe.cosineSchedule = t.schedule == .cosine
        try recipe.validate()
        return ProtocolSetup(spec: spec, recipe: recipe, data: data, datasetName: dataset.name)
    }
}
