import CellSpace
import Configuration
import Foundation
import Persistence
import RunModel
import Search
import Training

#if canImport(Glibc)
import Glibc
#endif

/// `rednas search|resume --workers N`: N `rednas worker --run-dir DIR` child processes share the
/// run directory through `RunDirectoryQueue` (asynchronous REA), the cores split between them.
/// This process holds the run's lock, shows the progress line, writes `search.log` and
/// `status.json` from the journal, forwards SIGINT/SIGTERM to the workers as SIGTERM, and starts
/// a new worker in place of one that was killed.
package enum LocalParallelSearch {
    /// Why a parallel search cannot run or ended with an error.
    package struct Failure: Error, CustomStringConvertible, LocalizedError {
        package var description: String
        package var errorDescription: String? { description }
        package init(_ description: String) { self.description = description }
    }

    /// Drives the run with `workers` worker processes (`executable` is `rednas`) until the budget
    /// is used or a stop is requested; then the run's summary, read after the lock is released.
    package static func run(_ run: RunDirectory, config: ExperimentConfig, workers: Int, executable: URL,
                            line: ProgressLine) throws -> (end: SearchEnd, summary: RunSnapshot) {
        let end = try drive(run, config: config, workers: workers, executable: executable, line: line)
        return (end, try RunSnapshot.load(run, .strict))
    }

    /// Refuses a config that cannot run in worker processes on a run directory: multi-fidelity
    /// runs in one process (or on --storage), and so does the generations mode, whose one-process
    /// run gives the very result the workers would.
    package static func check(_ config: ExperimentConfig, configPath: String) throws {
        if config.search.scheduler.ladder(maxEpochs: config.training.epochs) != nil {
            throw Failure("\(configPath): search.scheduler (multi-fidelity) runs in one process or with --storage; drop --workers")
        }
        if config.search.parallel == .generations {
            throw Failure("\(configPath): search.parallel: generations runs in one process (the same result as any number "
                          + "of workers) or with --storage; drop --workers")
        }
    }

    /// Compute threads per worker: the run's threads (0 = every core) shared out, at least one each.
    package static func threadsPerWorker(total: Int, workers: Int) -> Int {
        max(1, ComputeThreadSetting.resolve(total) / max(1, workers))
    }

    private static func drive(_ run: RunDirectory, config: ExperimentConfig, workers: Int, executable: URL,
                              line: ProgressLine) throws -> SearchEnd {
        let lock = try RunLock(run)
        defer { withExtendedLifetime(lock) {} }
        try check(config, configPath: run.config.path)
        let settings = try SearchSession.settings(for: config, run: run)
        let queue = RunDirectoryQueue(run: run, settings: settings, binding: try run.currentBinding())
        try queue.prepare()
        let stop = StopSignal()
        stop.installSignalHandlers { name in
            line.log("\(name): stopping the workers after their current training step; state is saved (again to quit now)")
        }
        let threads = threadsPerWorker(total: config.threads, workers: workers)
        let watch = ParallelProgress(run: run, settings: settings, line: line, workers: workers)
        watch.start()
        let message = "\(workers) worker processes, \(threads) thread(s) each; their output in \(run.workers.path)"
        line.log(message); run.appendLog(message)
        let pool = WorkerPool(executable: executable, run: run, threads: threads)
        for _ in 0..<workers { try pool.spawn() }
        var forwarded = false, restarts = 0
        var failure: String?
        while !pool.isEmpty {
            Thread.sleep(forTimeInterval: 0.25)
            if stop.isRequested, !forwarded { pool.terminateAll(); forwarded = true }
            watch.poll()
            for exit in pool.reap() {
                switch exit.kind {
                case .finished:
                    continue
                case .stopped where stop.isRequested || forwarded:
                    continue
                case .failed(let why):
                    failure = failure ?? "worker \(exit.pid) failed: \(why)"
                    line.log(failure!); run.appendLog(failure!)
                    if !forwarded { pool.terminateAll(); forwarded = true }
                case .stopped, .killed:
                    guard !stop.isRequested, !forwarded, restarts < 3 * workers else { continue }
                    restarts += 1
                    let text = "worker \(exit.pid) ended (\(exit.kind)); its candidate is handed out again; starting another worker"
                    line.log(text); run.appendLog(text)
                    try pool.spawn()
                }
            }
        }
        watch.poll()
        let end: SearchEnd = try queue.isFinished() ? .budgetExhausted : .stopped
        watch.finish(end)
        if let failure { throw Failure("\(failure)\nThe run is resumable: rednas resume \(run.url.path) --workers \(workers)") }
        return end
    }
}

/// The worker processes of one parallel search.
final class WorkerPool {
    struct Exit {
        enum Kind: CustomStringConvertible {
            case finished, stopped, killed(Int32), failed(String)
            var description: String {
                switch self {
                case .finished: "finished"
                case .stopped: "stopped"
                case let .killed(signal): "killed by signal \(signal)"
                case let .failed(why): why
                }
            }
        }
        var pid: Int32
        var kind: Kind
    }

    private let executable: URL
    private let run: RunDirectory
    private let threads: Int
    private var running: [(process: Process, log: URL)] = []
    private var started = 0

    init(executable: URL, run: RunDirectory, threads: Int) {
        self.executable = executable; self.run = run; self.threads = threads
    }

    var isEmpty: Bool { running.isEmpty }

    /// Starts `rednas worker --run-dir DIR --threads T`, its output appended to workers/worker-K.log.
    func spawn() throws {
        try FileManager.default.createDirectory(at: run.workers, withIntermediateDirectories: true)
        let log = run.workers.appendingPathComponent("worker-\(started).log")
        started += 1
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = executable
        process.arguments = ["worker", "--run-dir", run.url.path, "--threads", String(threads)]
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        running.append((process, log))
    }

    /// SIGTERM to every worker: each releases its candidate after the current training step.
    func terminateAll() {
        for (process, _) in running where process.isRunning { kill(process.processIdentifier, SIGTERM) }
    }

    /// The workers that ended since the last call.
    func reap() -> [Exit] {
        var exits: [Exit] = []
        running.removeAll { entry in
            let (process, log) = entry
            guard !process.isRunning else { return false }
            let status = process.terminationStatus
            let kind: Exit.Kind
            if process.terminationReason == .uncaughtSignal {
                kind = .killed(status)
            } else if status == 0 {
                kind = .finished
            } else if status == 130 {
                kind = .stopped
            } else {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                kind = .failed("exit status \(status): " + lines.suffix(2).joined(separator: " | ") + " (\(log.path))")
            }
            exits.append(Exit(pid: process.processIdentifier, kind: kind))
            return true
        }
        return exits
    }
}
