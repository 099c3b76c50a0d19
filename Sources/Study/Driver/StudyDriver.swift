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
    private let database: StudyDatabase?
    private let workers: Int
    private let cores: Int
    private let stop: StopSignal
    private let say: (String) -> Void
    private let lineLock = NSLock()

    /// `workers` searches (then re-trainings) run at once, each with `max(1, cores / workers)`
    /// threads. `say` receives the progress lines (also appended to `study.log`). `database`: where `launcher` keeps the searches (recorded in the
    /// plan, so a study is always continued with the same storage).
    package init(study: LoadedStudy, directory: StudyDirectory, launcher: SearchLauncher, database: StudyDatabase? = nil,
                 workers: Int,
                 cores: Int = ProcessInfo.processInfo.activeProcessorCount, stop: StopSignal,
                 say: @escaping (String) -> Void = { _ in }) {
        self.study = study; self.directory = directory; self.launcher = launcher; self.database = database
        self.workers = max(1, workers); self.cores = max(1, cores)
        self.stop = stop; self.say = say
    }

    package func run() throws -> StudyEnd {
        try directory.prepare(for: study, database: database)
        let jobs = study.jobs(in: directory)
        var failures = directory.loadFailures()
        let pending = jobs.filter { !Self.isFinished($0.run) }
        let threads = max(1, cores / workers)
        log("study \(directory.url.path): \(jobs.count) searches (\(jobs.count - pending.count) finished), "
            + "\(min(workers, max(1, pending.count))) at a time with \(threads) thread(s) each")
        let outcomes = inParallel(pending) { job in
            let start = Date()
            self.emit("\(job.key): \(job.run.exists ? "resuming" : "starting") search")
            let outcome = self.launcher.run(job, threads: threads, stop: self.stop)
            self.emit("\(job.key): \(Self.describe(outcome)) after \(Int(Date().timeIntervalSince(start)))s")
            return outcome
        }
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
        let end = try finalEvaluations(jobs, threads: threads, failures: &failures)
        try directory.saveFailures(failures)
        if end == .finished { log("study finished: \(jobs.count - failures.count) of \(jobs.count) searches evaluated") }
        return end
    }

    /// Whether a run directory's search has used its budget.
    package static func isFinished(_ run: RunDirectory) -> Bool {
        guard run.exists, let snapshot = try? RunSnapshot.load(run, .lenient) else { return false }
        return snapshot.budgetUsed
    }

    /// Runs `body` over `items`, `workers` at a time, in order; an item not started because a stop
    /// was requested gets `.interrupted`.
    private func inParallel<Item>(_ items: [Item], _ body: @escaping (Item) -> LaunchOutcome) -> [LaunchOutcome] {
        let queue = WorkList(items)
        let stop = self.stop
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: min(workers, max(1, items.count))) { _ in
            while let (k, item) = queue.next() {
                if stop.isRequested { continue }  // its outcome stays .interrupted
                queue.finish(k, body(item))
            }
        }
        return queue.outcomes
    }

    /// Re-trains every finished search's answer once per final seed (each architecture and seed
    /// once, however many runs chose it), `workers` at a time.
    private func finalEvaluations(_ jobs: [StudyJob], threads: Int, failures: inout [String: String]) throws -> StudyEnd {
        var trainings: [FinalTraining] = []
        var chosenBy: [String: [String]] = [:]  // training key → the searches whose answer it is
        for job in jobs where Self.isFinished(job.run) {
            let snapshot = try RunSnapshot.load(job.run, .lenient)
            guard let best = snapshot.best else {
                failures[job.key] = "the search has no usable answer (every evaluation diverged)"
                continue
            }
            for seed in study.config.final.seeds {
                let training = FinalTraining(arch: best.arch, index: best.index, seed: seed,
                                             folder: directory.final(index: best.index, seed: seed))
                if try FinalResult.load(from: training.folder) != nil { continue }
                if chosenBy[training.key] == nil { trainings.append(training) }
                chosenBy[training.key, default: []].append(job.key)
            }
        }
        if trainings.isEmpty { return .finished }
        log("final re-training: \(trainings.count) answer(s) × seed(s), \(min(workers, trainings.count)) at a time "
            + "with \(threads) thread(s) each")
        let owners = chosenBy
        let outcomes = inParallel(trainings) { training in
            self.emit("final \(training.key) (answer of \(owners[training.key]!.joined(separator: ", "))): training")
            let outcome = self.launcher.retrain(training, threads: threads, stop: self.stop)
            if outcome == .finished, let result = try? FinalResult.load(from: training.folder) {
                self.emit(String(format: "final %@: test %.2f%%, MSRS %@", training.key, result.metrics.testAccuracy ?? .nan,
                                 result.metrics.msrsNormalized.map { String(format: "%.3f", $0) } ?? "undefined"))
            }
            return outcome
        }
        for (training, outcome) in zip(trainings, outcomes) {
            guard case .failed(let reason) = outcome else { continue }
            for key in chosenBy[training.key]! { failures[key] = "final re-training \(training.key) failed: \(reason)" }
            log("final \(training.key) failed: \(reason)")
        }
        return stop.isRequested || outcomes.contains(.interrupted) ? .interrupted : .finished
    }

    /// A progress line from any lane: to `study.log` and `say`, one line at a time.
    private func emit(_ line: String) {
        lineLock.lock(); defer { lineLock.unlock() }
        log(line)
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

/// The items still to start, handed to the lanes in order, and their outcomes.
private final class WorkList<Item>: @unchecked Sendable {
    private let lock = NSLock()
    private let items: [Item]
    private var nextIndex = 0
    private var results: [LaunchOutcome]

    init(_ items: [Item]) {
        self.items = items
        results = Array(repeating: .interrupted, count: items.count)
    }

    func next() -> (Int, Item)? {
        lock.lock(); defer { lock.unlock() }
        guard nextIndex < items.count else { return nil }
        defer { nextIndex += 1 }
        return (nextIndex, items[nextIndex])
    }

    func finish(_ k: Int, _ outcome: LaunchOutcome) {
        lock.lock(); defer { lock.unlock() }
        results[k] = outcome
    }

    var outcomes: [LaunchOutcome] { lock.lock(); defer { lock.unlock() }; return results }
}
