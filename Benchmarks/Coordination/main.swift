// coordination-bench: what coordinating a search through PostgreSQL costs (README, "Search on a
// cluster"). N workers (threads, each with its own connections, as separate processes would
// have) run one search whose evaluator sleeps S seconds and writes nothing; the figures are claims
// per second, commit latency p50/p99 and efficiency = evaluations × S / (N × wall time).
//
//   coordination-bench postgresql://USER@HOST:PORT/DB [--workers 1,8,32,64] [--seconds 1] [--per-worker 5]
import CellSpace
import Configuration
import Foundation
import PostgresStore
import RunModel
import Search

/// Sleeps, then returns metrics that are a function of the cell.
final class SleepEvaluator: CandidateEvaluator {
    let seconds: Double
    init(seconds: Double) { self.seconds = seconds }

    func evaluate(_ task: CandidateTask, in directory: URL, stop: StopSignal,
                  progress: (CandidateProgress) -> Void) throws -> CandidateOutcome {
        Thread.sleep(forTimeInterval: seconds)
        let score = Double(task.cell.operations.filter { $0 == .conv3x3 }.count) * 10 + Double(task.seed % 100) / 100
        return .finished(CandidateMetrics(validAccuracy: 30 + score, msrsNormalized: 0.5, params: 1, flops: 1, epochs: 1,
                                          trainSeconds: seconds, msrsSeconds: 0))
    }
}

/// A WorkQueue that times the calls it passes on.
final class TimedQueue: WorkQueue, @unchecked Sendable {
    let base: PostgresSearch
    let times: Times
    init(_ base: PostgresSearch, _ times: Times) { self.base = base; self.times = times }
    var location: String { base.location }

    func claim(worker: String, networkCounts: @escaping (Cell) -> NetworkCounts?) throws -> WorkClaim {
        let start = Date()
        let claim = try base.claim(worker: worker, networkCounts: networkCounts)
        if case .work = claim { times.add(claim: Date().timeIntervalSince(start)) }  // not the polls while waiting
        return claim
    }
    func restore(_ lease: WorkLease, into folder: URL) throws { try base.restore(lease, into: folder) }
    func renew(_ lease: WorkLease) throws -> Bool { try base.renew(lease) }
    func commit(_ lease: WorkLease, metrics: CandidateMetrics, seconds: Double, folder: URL) throws -> CommitOutcome {
        let start = Date()
        defer { times.add(commit: Date().timeIntervalSince(start)) }
        return try base.commit(lease, metrics: metrics, seconds: seconds, folder: folder)
    }
    func fail(_ lease: WorkLease, reason: String) throws { try base.fail(lease, reason: reason) }
    func release(_ lease: WorkLease) throws { try base.release(lease) }
}

final class Times: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var claims: [Double] = []
    private(set) var commits: [Double] = []
    func add(claim: Double) { lock.lock(); claims.append(claim); lock.unlock() }
    func add(commit: Double) { lock.lock(); commits.append(commit); lock.unlock() }
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

func option(_ arguments: [String], _ name: String, _ fallback: String) -> String {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return fallback }
    return arguments[i + 1]
}

func main() throws {
    let arguments = Array(CommandLine.arguments.dropFirst())
    guard let urlText = arguments.first, urlText.hasPrefix("postgres") else {
        FileHandle.standardError.write(Data("usage: coordination-bench postgresql://USER@HOST:PORT/DB [--workers 1,8,32,64] [--seconds 1] [--per-worker 5]\n".utf8))
        exit(2)
    }
    let counts = option(arguments, "--workers", "1,8,32,64").split(separator: ",").compactMap { Int($0) }
    let seconds = Double(option(arguments, "--seconds", "1")) ?? 1
    let perWorker = Int(option(arguments, "--per-worker", "5")) ?? 5
    let url = try PostgresURL(urlText)
    print("workers  evaluations  wall s  claims/s  claim p50 ms  commit p50 ms  commit p99 ms  efficiency")
    for workers in counts {
        var config = ExperimentConfig()
        config.search.budget = BudgetConfig(evaluations: workers * perWorker)
        let name = "bench-\(workers)-\(UUID().uuidString.prefix(8))"
        _ = try PostgresSearch.create(url: url, name: name, stored: try StoredSearch.of(config: config), leaseSeconds: 60, maxAttempts: 3)
        let times = Times()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let queues = try (0..<workers).map { _ in TimedQueue(try PostgresSearch.open(url: url, name: name), times) }
        let start = Date()
        let group = DispatchGroup()
        for (i, queue) in queues.enumerated() {
            let thread = Thread {
                let worker = SearchWorker(queue: queue, evaluator: SleepEvaluator(seconds: seconds), workspace: { _ in folder },
                                          worker: "bench:\(i)", stop: StopSignal(), pollSeconds: 0.05)
                do { _ = try worker.run() } catch { FileHandle.standardError.write(Data("worker \(i): \(error)\n".utf8)) }
                group.leave()
            }
            group.enter()
            thread.start()
        }
        group.wait()
        let wall = Date().timeIntervalSince(start)
        let evaluations = times.commits.count
        print(String(format: "%7d  %11d  %6.1f  %8.1f  %12.1f  %13.1f  %13.1f  %9.1f %%", workers, evaluations, wall,
                     Double(times.claims.count) / wall, percentile(times.claims, 0.5) * 1000, percentile(times.commits, 0.5) * 1000,
                     percentile(times.commits, 0.99) * 1000, 100 * Double(evaluations) * seconds / (Double(workers) * wall)))
        try? FileManager.default.removeItem(at: folder)
    }
}

try main()
