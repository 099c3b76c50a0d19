import Configuration
import Foundation
import Redundancy

/// The one factory of data, recipe and MSRS measurement for an experiment config, shared by
/// `search`, `msrs` and `prune` (`train` resolves its own run through `TrainRunSetup`, on the same
/// `ProtocolSetup`).
package enum ExperimentSetup {
    /// The evaluator for a config: loads and splits the data once, then trains each candidate with
    /// the config's protocol and measures its MSRS on the config's split.
    package static func evaluator(for config: ExperimentConfig) throws -> TrainingEvaluator {
        let setup = try ProtocolSetup.resolve(dataset: config.dataset, network: config.network, training: config.training)
        let m = config.msrs
        let selection = m.split == .valid ? (setup.data.valid ?? setup.data.test) : (setup.data.test ?? setup.data.valid)
        guard let msrsSelection = selection else {
            throw TrainingError.dataMismatch("msrs.split: the dataset has no \(m.split.rawValue) images to measure MSRS on")
        }
        let parameters = MSRSParameters(beta: m.beta, threshold: m.tau, estimator: m.kind == .unbiased ? .unbiased : .biased)
        let redundancy = NetworkRedundancy(batches: m.batches, batchSize: m.batchSize, parameters: parameters,
                                           reduction: m.pooling == .gap ? .globalAveragePool : .flatten)
        return TrainingEvaluator(spec: setup.spec, recipe: setup.recipe, data: setup.data, redundancy: redundancy,
                                 msrsSelection: msrsSelection)
    }
}
