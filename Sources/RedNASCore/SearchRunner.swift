import Foundation
import Configuration
import RunModel
import Search
import Training

/// Runs (or resumes) a search in a run directory with the real evaluator: the one entry point
/// `rednas search` and `rednas resume` share.
package enum SearchRunner {
    /// Drives the run until its budget is used or a stop is requested (SIGINT/SIGTERM when
    /// `handleSignals`). Progress goes to `line`, the run's log and `status.json`.
    @discardableResult
    package static func run(_ run: RunDirectory, config: ExperimentConfig, evaluator: TrainingEvaluator? = nil,
                           line: ProgressLine, handleSignals: Bool = true) throws -> (end: SearchEnd, summary: RunSnapshot) {
        let end = try drive(run, config: config, evaluator: evaluator, line: line, handleSignals: handleSignals)
        return (end, try RunSnapshot.load(run, .strict))  // after the lock is released, so it reads finished/stopped
    }

    private static func drive(_ run: RunDirectory, config: ExperimentConfig, evaluator prepared: TrainingEvaluator?,
                              line: ProgressLine, handleSignals: Bool) throws -> SearchEnd {
        let lock = try RunLock(run)
        defer { withExtendedLifetime(lock) {} }
        ComputeThreadSetting.apply(config.threads)
        let settings = try SearchSession.settings(for: config, run: run)
        let evaluator = try prepared ?? ExperimentSetup.evaluator(for: config)
        let stop = StopSignal()
        if handleSignals {
            stop.installSignalHandlers { name in
                line.log("\(name): stopping after the current training step; state is saved (again to quit now)")
            }
        }
        var monitor: SearchMonitor?
        var pending: [SearchEvent] = []
        let driver = try SearchDriver(store: run, settings: settings, evaluator: evaluator, binding: try run.currentBinding(),
                                      stop: stop) { event in
            if let monitor { monitor.handle(event) } else { pending.append(event) }
        }
        monitor = SearchMonitor(run: run, settings: settings, line: line, records: driver.records)
        for event in pending { monitor!.handle(event) }
        return try driver.run()
    }
}
