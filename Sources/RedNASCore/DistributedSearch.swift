import Configuration
import Foundation
import PostgresStore
import RunModel
import Search
import Training

#if canImport(Glibc)
import Glibc
#endif

/// A search in a PostgreSQL database with the real evaluator: `rednas search --storage` creates
/// (or joins) it and works on it, `rednas worker` joins it from any machine.
package enum DistributedSearch {
    /// How a worker works: threads, how many candidates at most, where its candidates train.
    package struct WorkerOptions {
        package var threads: Int?
        package var maxCandidates: Int?
        /// Local folder for the candidates this worker trains (epoch checkpoints survive a retry on
        /// this machine); default: `<temp>/rednas-work/<host-port-database>/<name>`.
        package var workdir: String?
        package var quiet: Bool

        package init(threads: Int? = nil, maxCandidates: Int? = nil, workdir: String? = nil, quiet: Bool = false) {
            self.threads = threads; self.maxCandidates = maxCandidates; self.workdir = workdir; self.quiet = quiet
        }
    }

    /// Creates the search `name` for `config` (or joins it when it exists with the same config and
    /// space). Build the evaluator first: a config whose data is missing then writes nothing.
    package static func create(config: ExperimentConfig, url: PostgresURL, name: String, leaseSeconds: Double,
                               maxAttempts: Int) throws -> PostgresSearch {
        try PostgresSearch.create(url: url, name: name, stored: try StoredSearch.of(config: config),
                                  leaseSeconds: leaseSeconds, maxAttempts: maxAttempts)
    }

    /// Works on the search until it is finished (exit 0), stopped (SIGINT/SIGTERM) or `maxCandidates`
    /// were committed.
    package static func work(_ search: PostgresSearch, options: WorkerOptions, evaluator prepared: TrainingEvaluator? = nil,
                             line: ProgressLine) throws -> SearchWorker.End {
        var config = try search.stored.config(name: search.name)
        if let threads = options.threads { config.threads = threads }
        ComputeThreadSetting.apply(config.threads)
        let evaluator = try prepared ?? ExperimentSetup.evaluator(for: config)
        let root = URL(fileURLWithPath: options.workdir ?? defaultWorkdir(search))
        let stop = StopSignal()
        stop.installSignalHandlers { name in line.log("\(name): releasing the current candidate (again to quit now)") }
        let worker = "\(ProcessInfo.processInfo.hostName):\(getpid())"
        line.log("worker \(worker) on \(search.location), candidates in \(root.path)")
        search.onConnectionProblem { line.log($0) }
        let workspace = { (task: CandidateTask) throws -> URL in
            let folder = root.appendingPathComponent(String(format: "%04d-%05d", task.number, task.cell.index))
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            return folder
        }
        let report = { (event: SearchWorker.Event) in
            switch event {
            case let .claimed(lease):
                let rung = lease.task.epochs.map { " to epoch \($0)" } ?? ""
                line.log("claimed #\(lease.task.number) \(lease.task.cell.architectureString)\(rung) (attempt \(lease.attempt), token \(lease.token))")
            case let .progress(lease, p):
                line.update("#\(lease.task.number) epoch \(p.epoch)/\(p.epochs)")
            case let .committed(record):
                let rung = record.rung.map { " (candidate #\(record.candidateNumber) rung \($0), \(record.metrics.epochs) epochs)" } ?? ""
                line.log("committed evaluation #\(record.number)\(rung): valid \(String(format: "%.2f", record.metrics.validAccuracy))%"
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
        let loop = SearchWorker(queue: search, evaluator: evaluator, workspace: workspace, worker: worker, stop: stop,
                                maxCandidates: options.maxCandidates, events: report)
        let end = try loop.run()
        line.finish()
        line.log("worker \(worker): \(end.rawValue) after \(loop.committed) committed candidate(s)")
        return end
    }

    static func defaultWorkdir(_ search: PostgresSearch) -> String {
        let url = search.url
        let place = "\(url.host)-\(url.port)-\(url.database)".map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" }
        return FileManager.default.temporaryDirectory.appendingPathComponent("rednas-work")
            .appendingPathComponent(String(place)).appendingPathComponent(search.name).path
    }
}

extension DistributedSearch {
    /// `search-YYYYMMDD-HHMMSS`, as a local run is named.
    package static func defaultName() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return "search-\(formatter.string(from: Date()))"
    }
}
