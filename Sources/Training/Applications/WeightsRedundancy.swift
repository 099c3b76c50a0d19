import CellSpace
import Foundation
import Networks
import Redundancy
import Configuration

/// `rednas msrs`: the MSRS of a saved network on a config's data, as RedTest defines it.
package struct WeightsRedundancy {
    package var result: MSRSResult
    /// One label per tap ("stem", "cell 0", …, "reduction 1", …).
    package var labels: [String]
    package var cell: Cell
    package var spec: NetworkSpec
    package var imagesUsed: Int
    package var seconds: Double

    /// Loads the network from `weights` (its metadata gives the shape; `arch`, when given, must
    /// match it) and measures MSRS with the config's `msrs` section on its `dataset` section.
    package static func measure(weights: URL, arch: String?, config: ExperimentConfig) throws -> WeightsRedundancy {
        let network = try NetworkWeights.loadNetwork(from: weights, requiring: arch)
        let setup = try ProtocolSetup.resolve(dataset: config.dataset, network: config.network, training: config.training)
        guard setup.spec.inputChannels == network.spec.inputChannels, setup.spec.inputSize == network.spec.inputSize else {
            throw TrainingError.dataMismatch("the weights expect \(network.spec.inputChannels)×\(network.spec.inputSize)² images, "
                + "the config's dataset has \(setup.spec.inputChannels)×\(setup.spec.inputSize)²")
        }
        let evaluator = try ExperimentSetup.evaluator(for: config)
        let started = Date()
        let result = try evaluator.redundancy.measure(network, part: evaluator.msrsSelection.part,
                                                      indices: evaluator.msrsSelection.indices,
                                                      normalization: setup.data.normalization)
        let used = min(evaluator.msrsSelection.indices.count, evaluator.redundancy.batches * evaluator.redundancy.batchSize)
        return WeightsRedundancy(result: result, labels: network.spec.activationTaps.map(\.label), cell: network.cell,
                                 spec: network.spec, imagesUsed: used, seconds: Date().timeIntervalSince(started))
    }
}
