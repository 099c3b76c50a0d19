import Configuration
import Foundation
import RunModel
import Search

/// Runs each search in this process with a given evaluator: the same run directories as
/// ``ChildProcessLauncher`` (created with `SearchSession`, driven by `SearchDriver`), for tests
/// and fake evaluators. Searches and re-trainings run one at a time (a lock), whatever the study's
/// workers.
package final class InProcessLauncher: SearchLauncher, @unchecked Sendable {
    private let makeEvaluator: (ExperimentConfig) throws -> CandidateEvaluator
    private let makeFinalEvaluator: () throws -> CandidateEvaluator
    private var finalEvaluator: CandidateEvaluator?
    private let lock = NSLock()

    /// `makeEvaluator` builds the evaluator of a search from its config; `makeFinalEvaluator` the
    /// re-training evaluator (once, when the first re-training is due).
    package init(makeEvaluator: @escaping (ExperimentConfig) throws -> CandidateEvaluator,
                 makeFinalEvaluator: @escaping () throws -> CandidateEvaluator) {
        self.makeEvaluator = makeEvaluator; self.makeFinalEvaluator = makeFinalEvaluator
    }

    package func retrain(_ training: FinalTraining, threads: Int, stop: StopSignal) -> LaunchOutcome {
        lock.lock(); defer { lock.unlock() }
        if stop.isRequested { return .interrupted }
        do {
            if finalEvaluator == nil { finalEvaluator = try makeFinalEvaluator() }
            return try training.run(with: finalEvaluator!, stop: stop) == nil ? .interrupted : .finished
        } catch {
            return .failed("\(error)")
        }
    }

    package func run(_ job: StudyJob, threads: Int, stop: StopSignal) -> LaunchOutcome {
        lock.lock(); defer { lock.unlock() }
        if stop.isRequested { return .interrupted }
        do {
            let config: ExperimentConfig
            if job.run.exists {
                config = try SearchSession.reopen(job.run)
            } else {
                config = try ExperimentConfig.load(contentsOfFile: job.basePath, overrides: job.overrides + ["threads=\(threads)"])
                _ = try SearchSession.create(config: config, runDir: job.run.url.path)
            }
            let runLock = try RunLock(job.run)
            defer { withExtendedLifetime(runLock) {} }
            let settings = try SearchSession.settings(for: config, run: job.run)
            let driver = try SearchDriver(store: job.run, settings: settings, evaluator: try makeEvaluator(config),
                                          binding: try job.run.currentBinding(), stop: stop) { _ in }
            return try driver.run() == .budgetExhausted ? .finished : .interrupted
        } catch {
            return .failed("\(error)")
        }
    }
}
