import Foundation
import Redundancy
import TensorEngine

/// Runs (or resumes) a search in a run directory with the real evaluator: the one entry point
/// `rednas search` and `rednas resume` share.
public enum SearchRunner {
    /// The evaluator for a config: loads and splits the data once, then trains each candidate with
    /// the config's protocol and measures its MSRS on the config's split.
    public static func evaluator(for config: ExperimentConfig) throws -> TrainingEvaluator {
        let setup = try ProtocolSetup.resolve(dataset: config.dataset, network: config.network, training: config.training)
        let m = config.msrs
        let selection = m.split == .valid ? (setup.data.valid ?? setup.data.test) : (setup.data.test ?? setup.data.valid)
        guard let msrsSelection = selection else {
            throw SearchError.damaged(path: "msrs.split", detail: "the dataset has no \(m.split.rawValue) images to measure MSRS on")
        }
        let parameters = MSRSParameters(beta: m.beta, threshold: m.tau, estimator: m.kind == .unbiased ? .unbiased : .biased)
        let redundancy = NetworkRedundancy(batches: m.batches, batchSize: m.batchSize, parameters: parameters,
                                           reduction: m.pooling == .gap ? .globalAveragePool : .flatten)
        return TrainingEvaluator(spec: setup.spec, recipe: setup.recipe, data: setup.data, redundancy: redundancy,
                                 msrsSelection: msrsSelection)
    }

    /// Drives the run until its budget is used or a stop is requested (SIGINT/SIGTERM when
    /// `handleSignals`). Progress goes to `line`, the run's log and `status.json`.
    @discardableResult
    public static func run(_ run: RunDirectory, config: ExperimentConfig, evaluator: TrainingEvaluator? = nil,
                           line: ProgressLine, handleSignals: Bool = true) throws -> (end: SearchEnd, summary: RunSummary) {
        let end = try drive(run, config: config, evaluator: evaluator, line: line, handleSignals: handleSignals)
        return (end, try RunSummary(run))  // after the lock is released, so the summary reads "finished"/"stopped"
    }

    private static func drive(_ run: RunDirectory, config: ExperimentConfig, evaluator prepared: TrainingEvaluator?,
                              line: ProgressLine, handleSignals: Bool) throws -> SearchEnd {
        let lock = try RunLock(run)
        defer { withExtendedLifetime(lock) {} }
        ComputeThreads.set(config.threads == 0 ? ProcessInfo.processInfo.activeProcessorCount : config.threads)
        let settings = try SearchSession.settings(for: config, run: run)
        let evaluator = try prepared ?? evaluator(for: config)
        let stop = StopSignal()
        if handleSignals {
            stop.installSignalHandlers { name in
                line.log("\(name): stopping after the current training step; state is saved (again to quit now)")
            }
        }
        var monitor: SearchMonitor?
        var pending: [SearchEvent] = []
        let driver = try SearchDriver(run: run, settings: settings, evaluator: evaluator, stop: stop) { event in
            if let monitor { monitor.handle(event) } else { pending.append(event) }
        }
        monitor = SearchMonitor(run: run, settings: settings, line: line, records: driver.records)
        pending.forEach { monitor!.handle($0) }
        return try driver.run()
    }
}
