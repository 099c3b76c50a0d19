import ActivationFiles
import ArgumentParser
import Foundation
import Training

/// The options shared by `rednas msrs --activations` and `rednas prune-plan`.
struct ActivationOptions: ParsableArguments {
    @Option(parsing: .upToNextOption,
            help: "Activation .safetensors files (one per batch, or with a batch axis); see the README for the format.")
    var activations: [String] = []

    @Option(help: "Reduce each (n, C, …) activation by global average pooling (gap, default) or flattening (flatten).")
    var pooling: FeatureReduction?

    @Option(help: "CKA estimator: unbiased (default) or biased.")
    var kind: CKAEstimator?

    @Option(help: ArgumentHelp(
        "The most Gram matrices (n² doubles each) held in memory; a batch with more taps keeps them in a temporary file.",
        valueName: "count"))
    var residentGrams = ActivationRedundancy.defaultResidentGrams

    /// Opens the files and measures MSRS (β = 100, τ = 0.8) on `threads` (no config: its default).
    func measure(threads: ThreadsOption) throws -> ActivationRedundancy {
        threads.apply()
        let estimator = kind ?? .unbiased
        let set = try ActivationSet(urls: activations.map { URL(fileURLWithPath: $0) },
                                    minimumSamples: estimator.minimumSampleCount)
        return try ActivationRedundancy.measure(set, reduction: pooling ?? .globalAveragePool,
                                                parameters: MSRSParameters(estimator: estimator), residentGrams: residentGrams)
    }
}

extension FeatureReduction: ExpressibleByArgument {}
extension CKAEstimator: ExpressibleByArgument {}
