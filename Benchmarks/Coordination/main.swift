// coordination-bench: what coordinating a search through PostgreSQL costs (README, "Search on a
// cluster"). N worker processes (this program started again with --child, each with its own
// connections) run one search whose evaluator sleeps S seconds and writes nothing (the canonical
// cache off unless `--cache on`, so that every candidate is an evaluation); the figures are
// claims per second, claim and commit latency (a worker that goes on claims its next candidate
// with the commit, so the commit's time includes that claim and the claims timed alone are the
// first ones and those after a wait), efficiency = evaluations × S / (N × wall time) (the
// candidates the canonical cache serves cost no evaluation and do not count), and
// where the CPU went: the workers' own (user + system, all N processes) and the server's (every
// `postgres` process, from /proc), with the machine's load average when the row started.
//
//   coordination-bench postgresql://USER@HOST:PORT/DB [--workers 1,8,32,64] [--seconds 1] [--per-worker 5] [--cache off|on]
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
    private(set) var claims: [Double] = []
    private(set) var commits: [Double] = []
    /// Candidates handed out, by a claim alone or with a commit.
    private(set) var claimed = 0
    init(_ base: PostgresSearch) { self.base = base }
    var location: String { base.location }

    func claim(worker: String, networkCounts: @escaping (Cell) -> NetworkCounts?) throws -> WorkClaim {
        let start = Date()
        let claim = try base.claim(worker: worker, networkCounts: networkCounts)
        if case .work = claim {  // not the polls while waiting
            claims.append(Date().timeIntervalSince(start))
            claimed += 1
        }
        return claim
    }
    func restore(_ lease: WorkLease, into folder: URL) throws { try base.restore(lease, into: folder) }
    func renew(_ lease: WorkLease) throws -> Bool { try base.renew(lease) }
    func commit(_ lease: WorkLease, metrics: CandidateMetrics, seconds: Double, folder: URL) throws -> CommitOutcome {
        let start = Date()
        defer { commits.append(Date().timeIntervalSince(start)) }
        return try base.commit(lease, metrics: metrics, seconds: seconds, folder: folder)
    }
    /// Timed as a commit: the claim that goes with it costs no second lock.
    func commitAndClaim(_ lease: WorkLease, metrics: CandidateMetrics, seconds: Double, folder: URL,
                        networkCounts: @escaping (Cell) -> NetworkCounts?,
                        committed: (CommitOutcome) -> Void) throws -> WorkClaim {
        let start = Date()
        let claim = try base.commitAndClaim(lease, metrics: metrics, seconds: seconds, folder: folder,
                                            networkCounts: networkCounts, committed: committed)
        commits.append(Date().timeIntervalSince(start))
        if case .work = claim { claimed += 1 }
        return claim
    }
    func fail(_ lease: WorkLease, reason: String) throws { try base.fail(lease, reason: reason) }
    func release(_ lease: WorkLease) throws { try base.release(lease) }
}

/// What one worker process reports on its last line.
struct ChildReport: Codable {
    var claims: [Double]
    var commits: [Double]
    var claimed: Int
    /// Locked transactions and their seconds: catching up before the lock, waiting, holding it.
    var locked: Int
    var catchingUp: Double
    var waiting: Double
    var holding: Double
    /// When its last claim answered "finished" (seconds since 1970).
    var end: Double
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

/// A line on standard output, written at once (the parent reads its children's lines as they come).
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

func mean(_ values: [Double]) -> Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }

func option(_ arguments: [String], _ name: String, _ fallback: String) -> String {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return fallback }
    return arguments[i + 1]
}

/// CPU seconds (user + system) of every process named `postgres`.
func serverCPUSeconds() -> Double {
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    var total = 0.0
    for pid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where Int(pid) != nil {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")"),
              stat[stat.index(after: open)..<close] == "postgres" else { continue }
        // Fields after the command: state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
        if fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) { total += (user + system) / ticks }
    }
    return total
}

/// CPU seconds of this process's waited-for children.
func childrenCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
}

/// --child URL NAME INDEX SECONDS: connect, say "ready", wait for a line on stdin, work, report.
func child(_ arguments: [String]) throws {
    let url = try PostgresURL(arguments[1])
    let (name, index, seconds) = (arguments[2], arguments[3], Double(arguments[4]) ?? 1)
    let queue = TimedQueue(try PostgresSearch.open(url: url, name: name))
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(index)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    say("ready")
    _ = readLine()
    let worker = SearchWorker(queue: queue, evaluator: SleepEvaluator(seconds: seconds), workspace: { _ in folder },
                              worker: "bench:\(index):\(getpid())", stop: StopSignal(), pollSeconds: 0.05)
    _ = try worker.run()
    let times = queue.base.lockTimes
    let report = ChildReport(claims: queue.claims, commits: queue.commits, claimed: queue.claimed, locked: times.count, catchingUp: times.catchingUp,
                             waiting: times.waiting, holding: times.holding, end: Date().timeIntervalSince1970)
    say(String(decoding: try JSONEncoder().encode(report), as: UTF8.self))
    _ = readLine()  // the connections stay open until the server's CPU is read
}

/// The next line `handle` gives (without its newline), read byte by byte so nothing after it is consumed.
func line(from handle: FileHandle) throws -> String {
    var line = Data()
    while let byte = try handle.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
    return String(decoding: line, as: UTF8.self)
}

func main() throws {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == "--child" { return try child(arguments) }
    guard let urlText = arguments.first, urlText.hasPrefix("postgres") else {
        FileHandle.standardError.write(Data("usage: coordination-bench postgresql://USER@HOST:PORT/DB [--workers 1,8,32,64] [--seconds 1] [--per-worker 5] [--cache off|on]\n".utf8))
        exit(2)
    }
    let counts = option(arguments, "--workers", "1,8,32,64").split(separator: ",").compactMap { Int($0) }
    let seconds = Double(option(arguments, "--seconds", "1")) ?? 1
    let perWorker = Int(option(arguments, "--per-worker", "5")) ?? 5
    let cache = option(arguments, "--cache", "off") == "on"
    let url = try PostgresURL(urlText)
    say("workers  evaluations  wall s  claims/s  claim p50/mean ms  commit p50/mean/p99 ms  efficiency  "
          + "workers CPU s  server CPU s  load  |  locked tx  catch-up / wait / hold ms per tx  lock busy")
    for workers in counts {
        var config = ExperimentConfig()
        config.search.budget = BudgetConfig(evaluations: workers * perWorker)
        config.search.cache = cache
        let name = "bench-\(workers)-\(UUID().uuidString.prefix(8))"
        _ = try PostgresSearch.create(url: url, name: name, stored: try StoredSearch.of(config: config), leaseSeconds: 60, maxAttempts: 3)
        let load = loadAverage()
        let children = try (0..<workers).map { i -> (Process, Pipe, Pipe) in
            let process = Process(), input = Pipe(), output = Pipe()
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            process.arguments = ["--child", urlText, name, String(i), String(seconds)]
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            return (process, input, output)
        }
        let readers = children.map { FileHandle(fileDescriptor: $0.2.fileHandleForReading.fileDescriptor, closeOnDealloc: false) }
        for reader in readers where try line(from: reader) != "ready" { throw CocoaError(.fileReadCorruptFile) }
        let cpuBefore = childrenCPUSeconds(), serverBefore = serverCPUSeconds()
        let start = Date().timeIntervalSince1970
        for child in children { child.1.fileHandleForWriting.write(Data("go\n".utf8)) }
        var reports: [ChildReport] = []
        for (i, reader) in readers.enumerated() {
            if let report = try? JSONDecoder().decode(ChildReport.self, from: Data(try line(from: reader).utf8)) {
                reports.append(report)
            } else {
                FileHandle.standardError.write(Data("worker \(i) gave no report\n".utf8))
            }
        }
        let serverCPU = serverCPUSeconds() - serverBefore
        for child in children {
            child.1.fileHandleForWriting.write(Data("quit\n".utf8))
            child.0.waitUntilExit()
        }
        let workersCPU = childrenCPUSeconds() - cpuBefore
        let wall = (reports.map(\.end).max() ?? start) - start
        let claims = reports.flatMap(\.claims), commits = reports.flatMap(\.commits)
        let locked = reports.map(\.locked).reduce(0, +)
        func sum(_ part: KeyPath<ChildReport, Double>) -> Double { reports.map { $0[keyPath: part] }.reduce(0, +) }
        say(String(format: "%7d  %11d  %6.1f  %8.1f  %8.1f / %6.1f  %8.1f / %6.1f / %6.1f  %8.1f %%  %13.1f  %12.1f  ",
                     workers, commits.count, wall, Double(reports.map(\.claimed).reduce(0, +)) / wall,
                     percentile(claims, 0.5) * 1000, mean(claims) * 1000, percentile(commits, 0.5) * 1000, mean(commits) * 1000,
                     percentile(commits, 0.99) * 1000, 100 * Double(commits.count) * seconds / (Double(workers) * wall),
                     workersCPU, serverCPU) + load
            + String(format: "  |  %9d  %8.2f / %6.1f / %6.2f  %8.0f %%", locked, 1000 * sum(\.catchingUp) / Double(locked),
                     1000 * sum(\.waiting) / Double(locked), 1000 * sum(\.holding) / Double(locked), 100 * sum(\.holding) / wall))
    }
}

try main()
