import Foundation
import XCTest

/// `rednas search|resume --workers N` as users run it: real worker processes sharing one run
/// directory, killed and resumed.
final class ParallelSearchCLITests: XCTestCase {
    private var workspace: URL!

    override func setUpWithError() throws {
        workspace = FileManager.default.temporaryDirectory.appendingPathComponent("parallel-cli-\(UUID())")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        try TinySearch.synthesizeData(in: workspace, train: 448)
        let config = TinySearch.config(in: workspace, epochs: 3, """
            search:
              population: 4
              sample_size: 2
              cache: false
              space: \(TinySearch.spacePath)
              budget:
                evaluations: 10
            seed: 3
            threads: 3
            """)
        try config.write(to: workspace.appendingPathComponent("tiny.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: workspace) }

    private var configPath: String { workspace.appendingPathComponent("tiny.yaml").path }

    /// The JSON objects of a JSON Lines file, header line left out.
    private func lines(_ file: URL) throws -> [[String: Any]] {
        let text = try String(contentsOf: file, encoding: .utf8)
        return try text.split(separator: "\n").compactMap { line in
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return o["journal"] == nil ? o : nil
        }
    }

    /// "number arch seed" of each journal record.
    private func journal(_ run: URL) throws -> [String] {
        try lines(run.appendingPathComponent("journal.jsonl")).map { o in
            ["number", "arch", "seed"].map { "\(o[$0]!)" }.joined(separator: " ")
        }
    }

    /// Proposal numbers proposed and completed in the search log, in log order, and the
    /// completed records as `journal` shows them.
    private func searchLog(_ run: URL) throws -> (proposed: [Int], completed: [Int], records: [String]) {
        var proposed: [Int] = [], completed: [Int] = [], records: [String] = []
        for o in try lines(run.appendingPathComponent("proposals.jsonl")) {
            if let p = o["proposed"] as? [String: Any] { proposed.append(p["number"] as! Int) }
            if let c = o["completed"] as? [String: Any] {
                completed.append(c["number"] as! Int)
                let r = c["record"] as! [String: Any]
                records.append(["number", "arch", "seed"].map { "\(r[$0]!)" }.joined(separator: " "))
            }
        }
        return (proposed, completed, records)
    }

    /// Every candidate of a finished `evaluations`-budget run committed exactly once, the journal
    /// equal to the log's completions, history numbers 0…n−1, one folder each.
    private func assertCompleteOnce(_ run: URL, evaluations: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let log = try searchLog(run)
        XCTAssertEqual(log.proposed, Array(0..<evaluations), "each proposal made once", file: file, line: line)
        XCTAssertEqual(log.completed.sorted(), Array(0..<evaluations), "each proposal completed once", file: file, line: line)
        let records = try journal(run)
        XCTAssertEqual(records, log.records, "the journal is the log's completions", file: file, line: line)
        XCTAssertEqual(records.map { Int($0.split(separator: " ")[0])! }, Array(0..<evaluations), file: file, line: line)
        let folders = try FileManager.default.contentsOfDirectory(atPath: run.appendingPathComponent("candidates").path)
        XCTAssertEqual(folders.map { Int($0.prefix(4))! }.sorted(), Array(0..<evaluations), file: file, line: line)
        let status = try CLIRunner.run(["status", run.path, "--json"])
        XCTAssertEqual(status.status, 0, status.stderr, file: file, line: line)
        let s = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(s["done"] as? Int, evaluations, file: file, line: line)
        XCTAssertEqual(s["phase"] as? String, "finished", file: file, line: line)
    }

    private func start(_ args: [String]) throws -> Process {
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = args
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    private func waitForRecords(_ run: URL, _ count: Int, while process: Process) {
        while process.isRunning && ((try? journal(run).count) ?? 0) < count { Thread.sleep(forTimeInterval: 0.02) }
    }

    func testThreeWorkersCompleteTheBudgetWithEveryCandidateCommittedOnce() throws {
        let run = workspace.appendingPathComponent("run")
        let search = try CLIRunner.run(["search", "--config", configPath, "--run-dir", run.path, "--workers", "3", "--quiet"])
        XCTAssertEqual(search.status, 0, search.stderr)
        try assertCompleteOnce(run, evaluations: 10)
        XCTAssertNotEqual(try searchLog(run).completed, Array(0..<10), "three workers completed out of proposal order")
        // state.json is the replay of the log: its history is the journal's, in order.
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("state.json"))) as! [String: Any]
        let history = (state["history"] as! [[String: Any]]).map { ($0["genome"] as? String) ?? "\($0["genome"]!)" }
        XCTAssertEqual(history.count, 10)
        let workerLogs = try FileManager.default.contentsOfDirectory(atPath: run.appendingPathComponent("workers").path)
        XCTAssertEqual(workerLogs.filter { $0.hasSuffix(".log") }.count, 3, "\(workerLogs)")
        XCTAssertTrue(try String(contentsOf: run.appendingPathComponent("workers/worker-0.log"), encoding: .utf8)
            .contains("1 thread(s)"), "3 threads shared by 3 workers")
        // Readers and a resume see a finished sequential-format run.
        XCTAssertEqual(try CLIRunner.run(["export", run.path]).status, 0)
        let report = try CLIRunner.run(["report", run.path])
        XCTAssertEqual(report.status, 0, report.stderr)
        let resume = try CLIRunner.run(["resume", run.path, "--quiet"])
        XCTAssertEqual(resume.status, 0, resume.stderr)
        XCTAssertEqual(try journal(run).count, 10)
        // A grown budget continues with workers.
        let grown = try CLIRunner.run(["resume", run.path, "--workers", "2", "--quiet", "--set", "search.budget.evaluations=13"])
        XCTAssertEqual(grown.status, 0, grown.stderr)
        try assertCompleteOnce(run, evaluations: 13)
    }

    func testAWorkerKilledMidCandidateHasItRerunAndCountedOnce() throws {
        let run = workspace.appendingPathComponent("run")
        let parent = try start(["search", "--config", configPath, "--run-dir", run.path, "--workers", "2", "--quiet"])
        waitForRecords(run, 1, while: parent)
        // A worker's progress file names the candidate it claimed (the file is removed after the
        // commit). Stop that worker, and kill it with SIGKILL when leases.json shows it still holds
        // the candidate (it had not committed it); else let it go on and look again.
        var killed: (pid: Int32, number: Int)?
        while parent.isRunning && killed == nil {
            let folder = run.appendingPathComponent("workers")
            var victim: (pid: Int32, number: Int)?
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasSuffix(".json") {
                guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)),
                      let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                      let pid = o["pid"] as? Int, let number = o["number"] as? Int else { continue }
                victim = (Int32(pid), number)
                break
            }
            guard let victim else { Thread.sleep(forTimeInterval: 0.01); continue }
            kill(victim.pid, SIGSTOP)
            if holdsLease(run, victim) {
                kill(victim.pid, SIGKILL)
                killed = victim
            } else {
                kill(victim.pid, SIGCONT)
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
        let killedWorker = try XCTUnwrap(killed, "no worker was seen training")
        parent.waitUntilExit()
        XCTAssertEqual(parent.terminationStatus, 0)
        try assertCompleteOnce(run, evaluations: 10)
        let log = try String(contentsOf: run.appendingPathComponent("search.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("worker \(killedWorker.pid) ended (killed by signal 9)"), log)
        XCTAssertTrue(log.contains("candidate #\(killedWorker.number): taken over from"), "the killed worker's candidate was re-run:\n\(log)")
    }

    /// Whether the run's leases.json has `worker`'s lease on its candidate (not yet committed).
    private func holdsLease(_ run: URL, _ worker: (pid: Int32, number: Int)) -> Bool {
        guard let data = try? Data(contentsOf: run.appendingPathComponent("leases.json")),
              let table = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let leases = table["leases"] as? [[String: Any]] else { return false }
        return leases.contains { ($0["number"] as? Int) == worker.number && ($0["pid"] as? Int) == Int(worker.pid)
            && ($0["released"] as? Bool) != true }
    }

    func testAStoppedOrKilledSearchResumesWithWorkers() throws {
        for (trial, signal) in [SIGINT, SIGKILL].enumerated() {
            let run = workspace.appendingPathComponent("run-\(trial)")
            let parent = try start(["search", "--config", configPath, "--run-dir", run.path, "--workers", "3", "--quiet"])
            waitForRecords(run, 2, while: parent)
            Thread.sleep(forTimeInterval: 0.2)
            kill(parent.processIdentifier, signal)
            parent.waitUntilExit()
            if signal == SIGINT {
                XCTAssertEqual(parent.terminationStatus, 130, "a stop ends with 130")
                let status = try CLIRunner.run(["status", run.path, "--json"])
                let s = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [String: Any]
                XCTAssertEqual(s["phase"] as? String, "stopped", status.stdout)
            }
            let done = try journal(run).count
            XCTAssertLessThan(done, 10, "the \(signal) landed before the end")
            let resume = try CLIRunner.run(["resume", run.path, "--workers", "2", "--quiet"])
            XCTAssertEqual(resume.status, 0, "signal \(signal): \(resume.stderr)")
            try assertCompleteOnce(run, evaluations: 10)
        }
    }

    func testWorkersRefuseWhatTheyCannotRun() throws {
        let run = workspace.appendingPathComponent("run")
        let scheduler = try CLIRunner.run(["search", "--config", configPath, "--run-dir", run.path, "--workers", "2",
                                           "--set", "search.scheduler.kind=successive_halving"])
        XCTAssertNotEqual(scheduler.status, 0)
        XCTAssertTrue(scheduler.stderr.contains("search.scheduler"), scheduler.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.path), "nothing written")
        XCTAssertEqual(try CLIRunner.run(["search", "--config", configPath, "--run-dir", run.path, "--quiet",
                                          "--set", "search.budget.evaluations=1"]).status, 0)
        let orphan = try CLIRunner.run(["worker", "--run-dir", run.path])
        XCTAssertNotEqual(orphan.status, 0)
        XCTAssertTrue(orphan.stderr.contains("no search holds this run"), orphan.stderr)
        let zero = try CLIRunner.run(["search", "--config", configPath, "--workers", "0"])
        XCTAssertTrue(zero.stderr.contains("--workers must be ≥ 1"), zero.stderr)
    }
}
