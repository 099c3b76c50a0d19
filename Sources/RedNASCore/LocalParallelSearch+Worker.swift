import Configuration
import Foundation
import Persistence
import RunModel
import Search
import Training

#if canImport(Glibc)
import Glibc
#endif

extension LocalParallelSearch {
    /// One worker process of a parallel search on a run directory (`rednas worker --run-dir`):
    /// claims, trains in `inflight/`, commits through `RunDirectoryQueue` until the search is
    /// finished or it is stopped — by SIGTERM (SIGINT is ignored: the parent forwards a Ctrl-C) or
    /// by its parent ending. Its progress goes to `workers/<pid>.json` for the parent's line.
    package static func work(_ run: RunDirectory, threads: Int?, line: ProgressLine) throws -> SearchWorker.End {
        guard run.exists else { throw SearchError.notARun(run.url.path) }
        guard RunLock.isHeld(run) else {
            throw Failure("\(run.url.path): no search holds this run; its workers are started by "
                          + "`rednas search --workers N` or `rednas resume \(run.url.path) --workers N`")
        }
        var config = try ExperimentConfig.load(contentsOfFile: run.config.path)
        if let threads { config.threads = threads }
        ComputeThreadSetting.apply(config.threads)
        let settings = try SearchSession.settings(for: config, run: run)
        let queue = RunDirectoryQueue(run: run, settings: settings, binding: try run.currentBinding())
        let evaluator = try ExperimentSetup.evaluator(for: config)
        let stop = StopSignal()
        stop.installSignalHandlers(terminateOnly: true) { name in
            line.log("\(name): releasing the current candidate after its training step")
        }
        watchParent(stop)
        let pid = getpid()
        let worker = "\(ProcessInfo.processInfo.hostName):\(pid)"
        let progressFile = run.workers.appendingPathComponent("\(pid).json")
        try FileManager.default.createDirectory(at: run.workers, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: progressFile) }
        var lastWrite = Date.distantPast
        let show = { (progress: WorkerProgress, force: Bool) in
            guard force || Date().timeIntervalSince(lastWrite) >= 1 else { return }
            lastWrite = Date()
            if let data = try? JSONStyle.document(progress) { try? AtomicFile.write(data, to: progressFile) }
        }
        line.log("worker \(worker) on \(run.url.path), \(ComputeThreadSetting.current) thread(s)")
        let report = { (event: SearchWorker.Event) in
            switch event {
            case let .claimed(lease):
                line.log("claimed #\(lease.task.number) \(lease.task.cell.architectureString) (attempt \(lease.attempt), token \(lease.token))")
                show(WorkerProgress(pid: pid, number: lease.task.number, arch: lease.task.cell.architectureString), true)
            case let .progress(lease, p):
                show(WorkerProgress(pid: pid, number: lease.task.number, arch: lease.task.cell.architectureString, progress: p), false)
            case let .committed(record):
                try? FileManager.default.removeItem(at: progressFile)
                line.log("committed evaluation #\(record.number): valid \(String(format: "%.2f", record.metrics.validAccuracy))%"
                         + (record.reused ? " (reused #\(record.reusedFrom!))" : ""))
            case let .refused(lease, why):
                line.log("commit of #\(lease.task.number) refused: \(why)")
            case let .failed(lease, why):
                line.log("candidate #\(lease.task.number) failed (attempt \(lease.attempt)): \(why)")
            case let .leaseLost(lease):
                line.log("lease of #\(lease.task.number) was taken over; its commit will be refused")
            case let .storeProblem(what):
                line.log(what)
            }
        }
        let loop = SearchWorker(queue: queue, evaluator: evaluator, workspace: { try queue.workspace(for: $0) }, worker: worker,
                                stop: stop, events: report)
        let end = try loop.run()
        let why = stop.requestReason.map { " (\($0))" } ?? ""
        line.log("worker \(worker): \(end.rawValue)\(why) after \(loop.committed) committed candidate(s)")
        return end
    }

    /// Requests a stop when the parent process ends (the worker is then adopted by another process).
    private static func watchParent(_ stop: StopSignal) {
        let parent = getppid()
        Thread.detachNewThread {
            while !stop.isRequested {
                Thread.sleep(forTimeInterval: 0.5)
                if getppid() != parent { return stop.request("the search process \(parent) ended") }
            }
        }
    }
}
