import CellSpace
import Foundation
import RunModel
import Search

/// How a study invocation ended.
package enum StudyEnd: Equatable, Sendable {
    /// Every search and final re-training that could run has run (some may have failed).
    case finished
    /// A stop was requested; run the same command again to continue.
    case interrupted
}

/// Runs a study: every (arm, seed) search not yet finished (in parallel over `workers`, the cores
/// split between them), then the final re-training of every finished search's answer. Each step
/// leaves files a later invocation picks up, so the study continues where it stopped: finished
/// searches are skipped, stopped ones resumed, finished re-trainings reused. A search that fails
/// is recorded in `failures.json` with its reason and the others go on; it is retried next time.
package final class StudyDriver {
    package let study: LoadedStudy
    package let directory: StudyDirectory
    private let launcher: SearchLauncher
    private let workers: Int
    private let cores: Int
    private let makeFinalEvaluator: () throws -> CandidateEvaluator
    private let stop: StopSignal
    private let say: (String) -> Void

    /// `workers` searches run at once, each with `max(1, cores / workers)` threads.
    /// `makeFinalEvaluator` builds the re-training evaluator (from `study.finalConfig`); it is
    /// called once, only when a re-training is due. `say` receives the progress lines (also
    /// appended to `study.log`).
    package init(study: LoadedStudy, directory: StudyDirectory, launcher: SearchLauncher, workers: Int,
                 cores: Int = ProcessInfo.processInfo.activeProcessorCount,
                 makeFinalEvaluator: @escaping () throws -> CandidateEvaluator, stop: StopSignal,
                 say: @escaping (String) -> Void = { _ in }) {
        self.study = study; self.directory = directory; self.launcher = launcher
        self.workers = max(1, workers); self.cores = max(1, cores)
        self.makeFinalEvaluator = makeFinalEvaluator; self.stop = stop; self.say = say
    }

    package func run() throws -> StudyEnd {
        try directory.prepare(for: study)
        let jobs = study.jobs(in: directory)
        var failures = directory.loadFailures()
        let pending = jobs.filter { !Self.isFinished($0.run) }
        let threads = max(1, cores / workers)
        log("study \(directory.url.path): \(jobs.count) searches (\(jobs.count - pending.count) finished), "
            + "\(min(workers, max(1, pending.count))) at a time with \(threads) thread(s) each")
        let outcomes = runInParallel(pending, threads: threads)
        for (job, outcome) in zip(pending, outcomes) {
            switch outcome {
            case .finished: failures[job.key] = nil
            case .interrupted: break
            case .failed(let reason):
                failures[job.key] = reason
                log("\(job.key) failed: \(reason)")
            }
        }
        // A finished search's earlier failure was in its final re-training: that is retried below.
        for job in jobs where Self.isFinished(job.run) { failures[job.key] = nil }
        try directory.saveFailures(failures)
        if stop.isRequested { log("stopped; run the same command again to continue"); return .interrupted }
        let end = try finalEvaluations(jobs, failures: &failures)
        try directory.saveFailures(failures)
        if end == .finished { log("study finished: \(jobs.count - failures.count) of \(jobs.count) searches evaluated") }
        return end
    }

    /// Whether a run directory's search has used its budget.
    package static func isFinished(_ run: RunDirectory) -> Bool {
        guard run.exists, let snapshot = try? RunSnapshot.load(run, .lenient) else { return false }
        return snapshot.budgetUsed
    }

    private func runInParallel(_ jobs: [StudyJob], threads: Int) -> [LaunchOutcome] {
        let queue = JobQueue(jobs)
        let launcher = self.launcher, stop = self.stop, directory = self.directory
        let lanes = min(workers, max(1, jobs.count))
        // The workers' lines go to study.log and `say` one at a time.
        let lineLock = NSLock()
        nonisolated(unsafe) let say = self.say
        let emit: @Sendable (String) -> Void = { line in
            lineLock.lock(); defer { lineLock.unlock() }
            directory.appendLog(Self.stamp(line))
            say(line)
        }
        DispatchQueue.concurrentPerform(iterations: lanes) { _ in
            while let (k, job) = queue.next() {
                if stop.isRequested { continue }  // its outcome stays .interrupted
                let start = Date()
                emit("\(job.key): \(job.run.exists ? "resuming" : "starting") search")
                let outcome = launcher.run(job, threads: threads, stop: stop)
                queue.finish(k, outcome)
                emit("\(job.key): \(Self.describe(outcome)) after \(Int(Date().timeIntervalSince(start)))s")
            }
        }
        return queue.outcomes
    }

    /// Re-trains every finished search's answer once per final seed (each architecture and seed
    /// once, however many runs chose it).
    private func finalEvaluations(_ jobs: [StudyJob], failures: inout [String: String]) throws -> StudyEnd {
        var evaluator: CandidateEvaluator?
        for job in jobs where Self.isFinished(job.run) {
            let snapshot = try RunSnapshot.load(job.run, .lenient)
            guard let best = snapshot.best else {
                failures[job.key] = "the search has no usable answer (every evaluation diverged)"
                continue
            }
            for seed in study.config.final.seeds {
                let folder = directory.final(index: best.index, seed: seed)
                if try FinalResult.load(from: folder) != nil { continue }
                if stop.isRequested { return .interrupted }
                do {
                    if evaluator == nil { evaluator = try makeFinalEvaluator() }
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                    log("\(job.key): final re-training of its answer (index \(best.index)) with seed \(seed)")
                    let task = CandidateTask(number: 0, cell: try best.cell(), seed: UInt64(seed))
                    switch try evaluator!.evaluate(task, in: folder, stop: stop, progress: { _ in }) {
                    case .interrupted: return .interrupted
                    case .finished(let metrics):
                        try FinalResult(arch: best.arch, index: best.index, seed: seed, metrics: metrics).save(in: folder)
                        log(String(format: "%@: index %d seed %d: test %.2f%%, MSRS %@", job.key, best.index, seed,
                                   metrics.testAccuracy ?? .nan, metrics.msrsNormalized.map { String(format: "%.3f", $0) } ?? "undefined"))
                    }
                } catch {
                    failures[job.key] = "final re-training failed: \(error)"
                    log("\(job.key): final re-training failed: \(error)")
                    break
                }
            }
        }
        return .finished
    }

    private func log(_ line: String) {
        directory.appendLog(Self.stamp(line))
        say(line)
    }

    static func stamp(_ line: String) -> String {
        let formatter = ISO8601DateFormatter()
        return "\(formatter.string(from: Date())) \(line)"
    }

    static func describe(_ outcome: LaunchOutcome) -> String {
        switch outcome {
        case .finished: return "finished"
        case .interrupted: return "stopped"
        case .failed: return "failed"
        }
    }
}

/// The searches still to start, handed to the workers in order, and their outcomes.
private final class JobQueue: @unchecked Sendable {
    private let lock = NSLock()
    private let jobs: [StudyJob]
    private var nextIndex = 0
    private var results: [LaunchOutcome]

    init(_ jobs: [StudyJob]) {
        self.jobs = jobs
        results = Array(repeating: .interrupted, count: jobs.count)
    }

    func next() -> (Int, StudyJob)? {
        lock.lock(); defer { lock.unlock() }
        guard nextIndex < jobs.count else { return nil }
        defer { nextIndex += 1 }
        return (nextIndex, jobs[nextIndex])
    }

    func finish(_ k: Int, _ outcome: LaunchOutcome) {
        lock.lock(); defer { lock.unlock() }
        results[k] = outcome
    }

    var outcomes: [LaunchOutcome] { lock.lock(); defer { lock.unlock() }; return results }
}
