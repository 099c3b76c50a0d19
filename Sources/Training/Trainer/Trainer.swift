import CellSpace
import Datasets
import Foundation
import Networks
import NeuralNet
import Randomness
import TensorEngine
import RunModel

/// Trains one architecture with a `TrainingRecipe` on `TrainingData`, deterministically for a seed at
/// a fixed thread count, with per-epoch crash-safe checkpoints and exact resume.
///
/// Randomness: weights from `SeededGenerator(seed: seed, stream: 11)` in module order; data order
/// and augmentation from a `BatchLoader` seeded with a value derived from `seed`, whose choices
/// depend only on (epoch, batch) — so resuming at epoch e needs nothing but the checkpoint.
///
/// The trainer prints nothing; it reports through the `progress` callback.
package final class Trainer {
    package let cell: Cell
    package let spec: NetworkSpec
    package let recipe: TrainingRecipe
    package let data: TrainingData
    package let seed: UInt64
    /// Where epoch checkpoints go; nil = no checkpoints (and no resume).
    package let checkpointDirectory: URL?
    /// The search run this training belongs to: recorded in its checkpoints, which another run refuses.
    package var runFingerprint: String?
    /// The network being trained (its weights are the latest state after `run`).
    package let network: NATSNetwork
    let optimizer: SGD
    let trainLoader: BatchLoader
    /// When the test split is evaluated: after every epoch (`rednas train`'s curves) or once, after
    /// the last epoch (a search, which never uses it: its record keeps the final test accuracy for
    /// reporting only). Either way the final epoch's test figures are the same numbers.
    package var testEvaluation: TestEvaluation = .everyEpoch

    package enum TestEvaluation: Sendable { case everyEpoch, atEnd }

    /// Builds the network and checks that recipe, data and network fit together.
    ///
    /// `initialWeights`, when given, must have the same `cell` and `spec`; its whole state (weights,
    /// BN running statistics, `num_batches_tracked`) is copied into the trainer's network after the
    /// seeded initialisation, so training starts from it (fine-tuning a pruned network). Nothing
    /// else changes: data order, augmentation and the fresh optimizer (zero momentum) still follow
    /// `seed`, and without `initialWeights` the trainer is exactly as before. A checkpoint's
    /// fingerprint does not cover the initial weights: resume only with the same ones.
    package init(cell: Cell, spec: NetworkSpec, recipe: TrainingRecipe, data: TrainingData, seed: UInt64,
                checkpointDirectory: URL? = nil, initialWeights: NATSNetwork? = nil) throws {
        try recipe.validate()
        let shape = data.train.part.shape
        guard shape.channels == spec.inputChannels, shape.height == spec.inputSize, shape.width == spec.inputSize else {
            throw TrainingError.dataMismatch("images are \(shape) but the network expects "
                + "[\(spec.inputChannels),\(spec.inputSize),\(spec.inputSize)]")
        }
        guard data.classCount <= spec.classes else {
            throw TrainingError.dataMismatch("the data has \(data.classCount) classes but the network only \(spec.classes)")
        }
        guard !data.train.indices.isEmpty else { throw TrainingError.dataMismatch("the training selection is empty") }
        self.cell = cell; self.spec = spec; self.recipe = recipe; self.data = data; self.seed = seed
        self.checkpointDirectory = checkpointDirectory
        var initGenerator = SeededGenerator(seed: seed, stream: 11)
        network = NATSNetwork(cell: cell, spec: spec, generator: &initGenerator)
        if let initialWeights {
            guard initialWeights.cell == cell, initialWeights.spec == spec else {
                throw TrainingError.invalidRecipe("the initial weights are for \(initialWeights.cell.architectureString) "
                    + "with cells per stage \(initialWeights.spec.cellsPerStage), not the trained \(cell.architectureString) "
                    + "with \(spec.cellsPerStage)")
            }
            try network.loadStateDict(initialWeights.stateDict())
        }
        optimizer = SGD(parameters: network.parameters, learningRate: 0, momentum: Float(recipe.momentum),
                        nesterov: recipe.nesterov, weightDecay: Float(recipe.weightDecay))
        var loaderSeed = SeededGenerator(seed: seed, stream: 12)
        trainLoader = try BatchLoader(part: data.train.part, indices: data.train.indices, batchSize: recipe.batchSize,
                                      shuffle: true, augmentation: data.augmentation,
                                      normalization: data.normalization, seed: loaderSeed.next())
    }

    /// Steps per epoch: ⌈training images / batch size⌉; the last batch keeps the remainder (as
    /// PyTorch's `DataLoader` without `drop_last`).
    package var stepsPerEpoch: Int { trainLoader.batchCount }

    /// Trains from the last checkpoint (if `checkpointDirectory` holds one for this same run) to the
    /// end, or only through epoch `through` of the recipe (a multi-fidelity rung: the learning-rate
    /// schedule stays the recipe's, over all its epochs, so a later `run` from the checkpoint
    /// continues exactly as an uninterrupted run would). Polls `stop` before every step; when set,
    /// returns `.interrupted` leaving the last epoch checkpoint. Calls `progress` after every step
    /// and `onEpoch` after each epoch is evaluated and checkpointed. Throws for unusable
    /// checkpoints, a checkpoint already past `through`, or I/O errors.
    package func run(through: Int? = nil, stop: StopSignal? = nil, progress: (CandidateProgress) -> Void = { _ in },
                    onEpoch: (EpochMetrics) -> Void = { _ in }) throws -> TrainingOutcome {
        let last = min(through ?? recipe.epochs, recipe.epochs)
        guard last >= 1 else { throw TrainingError.invalidRecipe("cannot train through \(last) epochs") }
        var history = try resumeFromCheckpoint() ?? []
        if history.count > last {
            throw TrainingError.checkpoint(path: checkpointDirectory?.path ?? "", detail: "holds \(history.count) epochs, "
                                           + "past the \(last) asked for; remove it to retrain this candidate from scratch")
        }
        for epoch in history.count..<last {
            switch trainEpoch(epoch, stop: stop, progress: progress) {
            case .stopped:
                return .interrupted(epochsCompleted: epoch)
            case .diverged(let where_):
                return .finished(TrainingResult(totalEpochs: recipe.epochs, history: history, diverged: where_))
            case .completed(var metrics):
                if !network.parameters.allSatisfy({ $0.value.data.allSatisfy(\.isFinite) }) {
                    return .finished(TrainingResult(totalEpochs: recipe.epochs, history: history,
                                                    diverged: "diverged at epoch \(epoch + 1), step \(stepsPerEpoch) (non-finite weights)"))
                }
                try evaluate(into: &metrics)
                history.append(metrics)
                try saveCheckpoint(epochsCompleted: epoch + 1, history: history)
                onEpoch(metrics)
            }
        }
        if testEvaluation == .atEnd, let test = data.test, !history.isEmpty {
            let r = try NetworkEvaluation.evaluate(network, on: test, normalization: data.normalization,
                                                   batchSize: recipe.evaluationBatchSize)
            (history[history.count - 1].testLoss, history[history.count - 1].testAccuracy) = (r.loss, r.accuracy)
        }
        return .finished(TrainingResult(totalEpochs: recipe.epochs, history: history, diverged: nil))
    }

    enum EpochEnd {
        case completed(EpochMetrics)
        case stopped
        case diverged(String)
    }

    /// One epoch of SGD steps in train mode; running loss/accuracy over its batches.
    func trainEpoch(_ epoch: Int, stop: StopSignal?, progress: (CandidateProgress) -> Void) -> EpochEnd {
        optimizer.learningRate = recipe.learningRate(epoch: epoch)
        let batches = trainLoader.prefetching(epoch: epoch)
        defer { batches.close() }
        let start = Date()
        var lossSum = 0.0, correct = 0, seen = 0, step = 0
        while true {
            if stop?.isRequested == true { return .stopped }
            guard let batch = batches.next() else { break }
            step += 1
            optimizer.zeroGrad()
            let g = Graph(recording: true)
            let logits = network.forward(g.constant(NetworkEvaluation.imageTensor(batch)), in: g, training: true)
            let result = g.softmaxCrossEntropy(logits: logits, labels: batch.labels)
            let loss = g.value(result.loss).scalar
            guard loss.isFinite else { return .diverged("diverged at epoch \(epoch + 1), step \(step) (loss \(loss))") }
            g.backward(result.loss)
            optimizer.step()
            lossSum += Double(loss) * Double(batch.count)
            correct += result.correct
            seen += batch.count
            let elapsed = Date().timeIntervalSince(start)
            progress(CandidateProgress(epoch: epoch + 1, epochs: recipe.epochs, step: step, steps: stepsPerEpoch,
                                       loss: lossSum / Double(seen), imagesPerSecond: Double(seen) / max(elapsed, 1e-9)))
        }
        let seconds = Date().timeIntervalSince(start)
        return .completed(EpochMetrics(epoch: epoch + 1, learningRate: Double(optimizer.learningRate),
                                       trainLoss: lossSum / Double(seen), trainAccuracy: 100 * Double(correct) / Double(seen),
                                       seconds: seconds, imagesPerSecond: Double(seen) / max(seconds, 1e-9)))
    }

    /// Fills the epoch's valid figures, and its test figures under `.everyEpoch` (eval mode).
    func evaluate(into metrics: inout EpochMetrics) throws {
        if let valid = data.valid {
            let r = try NetworkEvaluation.evaluate(network, on: valid, normalization: data.normalization,
                                                   batchSize: recipe.evaluationBatchSize)
            (metrics.validLoss, metrics.validAccuracy) = (r.loss, r.accuracy)
        }
        if testEvaluation == .everyEpoch, let test = data.test {
            let r = try NetworkEvaluation.evaluate(network, on: test, normalization: data.normalization,
                                                   batchSize: recipe.evaluationBatchSize)
            (metrics.testLoss, metrics.testAccuracy) = (r.loss, r.accuracy)
        }
    }
}
