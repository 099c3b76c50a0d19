import CellSpace
import Datasets
import Foundation
import Persistence
import Networks
import Redundancy
import Configuration
import RunModel

/// Similarity-guided layer pruning of a trained network (`rednas prune`, spec msrs.md §5):
/// measure MSRS and the adjacent CKA on the config's MSRS images, keep the K normal cells with the
/// lowest similarity (`CellPruningPlan`), copy the surviving weights into the smaller network,
/// fine-tune it with the config's protocol, and measure test accuracy and MSRS at each stage.
package struct LayerPruning {
    /// The loaded data, recipe and MSRS measurement of the config (`ExperimentSetup.evaluator(for:)`).
    package let evaluator: TrainingEvaluator
    /// Seed of the fine-tuning's data order and augmentation.
    package let seed: UInt64

    package init(config: ExperimentConfig) throws {
        evaluator = try ExperimentSetup.evaluator(for: config)
        seed = UInt64(config.seed)
    }

    /// The pruned, fine-tuned network and the report describing the run.
    package struct Outcome {
        package var network: NATSNetwork
        package var plan: CellPruningPlan
        package var report: PruneReport
    }

    /// Prunes `network` to `target` normal cells and fine-tunes it `finetuneEpochs` epochs (0 = none).
    /// - Throws: `PruningError` for a bad target or undefined similarities, `TrainingError` when the
    ///   network does not fit the config's images, data/IO errors.
    package func run(_ network: NATSNetwork, keep target: KeepTarget, finetuneEpochs: Int,
                    progress: (CandidateProgress) -> Void = { _ in }) throws -> Outcome {
        let started = Date()
        let data = evaluator.data
        guard data.train.part.shape.channels == network.spec.inputChannels,
              data.train.part.shape.height == network.spec.inputSize else {
            throw TrainingError.dataMismatch("the weights expect \(network.spec.inputChannels)×\(network.spec.inputSize)² images, "
                + "the config's dataset has \(data.train.part.shape)")
        }
        guard finetuneEpochs >= 0 else { throw TrainingError.invalidRecipe("fine-tune epochs must be ≥ 0, got \(finetuneEpochs)") }
        let cellCount = network.spec.searchableCellCount
        _ = try CellPruningPlan.keepCount(target, cellCount: cellCount)  // fail before the measurements
        let (before, measured) = try snapshot(of: network)
        guard let adjacent = measured.adjacent else {
            var reason = "no usable batch"
            if case let .undefined(why) = measured.score { reason = why }
            throw PruningError.undefinedSimilarities(reason)
        }
        let plan = try CellPruningPlan(spec: network.spec, adjacent: adjacent, keep: target)
        let pruned = try plan.apply(to: network)
        let (prunedSnapshot, _) = try snapshot(of: pruned)
        var final = pruned, history: [EpochMetrics] = [], diverged: String?
        if finetuneEpochs > 0 {
            var recipe = evaluator.recipe
            recipe.epochs = finetuneEpochs
            let trainer = try Trainer(cell: pruned.cell, spec: pruned.spec, recipe: recipe, data: data, seed: seed,
                                      initialWeights: pruned)
            guard case let .finished(result) = try trainer.run(progress: progress) else {
                preconditionFailure("no stop signal was given")
            }
            (final, history, diverged) = (trainer.network, result.history, result.diverged)
        }
        let (after, _) = try snapshot(of: final)
        let report = PruneReport(arch: network.cell.architectureString, index: network.cell.index, keep: plan.kept.count,
                                 cellCount: cellCount, kept: plan.kept, removed: plan.removed, before: before,
                                 pruned: prunedSnapshot, after: after, finetuneEpochs: finetuneEpochs, finetune: history,
                                 diverged: diverged, seconds: Date().timeIntervalSince(started))
        return Outcome(network: final, plan: plan, report: report)
    }

    /// Writes `prune.json` and `weights.safetensors` (the final network, with `pruned_from` metadata)
    /// into `directory`, creating it.
    package static func write(_ outcome: Outcome, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try NetworkWeights.export(outcome.network, to: directory.appendingPathComponent("weights.safetensors"),
                                  extraMetadata: ["pruned_from": outcome.plan.original.cellsPerStage.map(String.init).joined(separator: ",")])
        try AtomicFile.write(try outcome.report.json(), to: directory.appendingPathComponent("prune.json"))
    }

    /// Size, test accuracy and MSRS of `network` (eval mode), and the full MSRS measurement.
    func snapshot(of network: NATSNetwork) throws -> (PruneSnapshot, MSRSResult) {
        let data = evaluator.data
        let test = try data.test.map {
            try NetworkEvaluation.evaluate(network, on: $0, normalization: data.normalization,
                                           batchSize: evaluator.recipe.evaluationBatchSize)
        }
        let selection = evaluator.msrsSelection
        let m = try evaluator.redundancy.measure(network, part: selection.part, indices: selection.indices,
                                                 normalization: data.normalization)
        let spec = network.spec
        return (PruneSnapshot(cellsPerStage: spec.cellsPerStage, params: spec.parameterCount(for: network.cell),
                              flops: spec.flops(for: network.cell), testAccuracy: test?.accuracy, testLoss: test?.loss,
                              msrs: m.msrs, msrsNormalized: m.msrsNormalized, layers: m.layers), m)
    }
}
