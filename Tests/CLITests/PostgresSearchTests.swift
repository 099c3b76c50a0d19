import Foundation
import XCTest

/// One search, several `rednas` worker processes, a real PostgreSQL server (README, "Search on a
/// cluster"): kills, a server restart, a paused worker, the equality with a local run, a schema
/// migration, and the errors a user can make (TLS: PostgresSearchTests+TLS.swift). The search is small and real (synthetic data, 2-channel networks).
final class PostgresSearchTests: XCTestCase {
    var workspace: URL!
    var server: PostgresServer!

    override func setUpWithError() throws {
        server = try PostgresServer.require()
        workspace = FileManager.default.temporaryDirectory.appendingPathComponent("pg-cli-\(UUID())")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        let synth = try CLIRunner.run(["data", "synth", "--out", workspace.appendingPathComponent("data").path,
                                       "--train", "320", "--test", "64", "--classes", "4", "--seed", "5"])
        XCTAssertEqual(synth.status, 0, synth.stderr)
        try config(epochs: 2, evaluations: 8).write(to: configURL, atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    var configURL: URL { workspace.appendingPathComponent("tiny.yaml") }

    func config(epochs: Int, evaluations: Int, search extra: String = "") -> String {
        """
        dataset:
          kind: cifar10
          path: \(workspace.appendingPathComponent("data").path)
          split: holdout
          valid_count: 64
        network:
          channels: 2
          cells: 1
        training:
          epochs: \(epochs)
          batch_size: 64
        msrs:
          batches: 1
          batch_size: 64
        search:
          population: 4
          sample_size: 2
          cache: false\(extra)
          budget:
            evaluations: \(evaluations)
        fitness:
          kind: penalty
          lambda: 10
        seed: 3
        threads: 1
        """
    }

    func uniqueName(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

    func rednas(_ args: [String]) throws -> CLIRunner.Result {
        try CLIRunner.run(args, in: workspace, environment: server.environment)
    }

    private func background(_ args: [String]) throws -> BackgroundRednas {
        try BackgroundRednas(args, environment: server.environment, logs: workspace)
    }

    private func startSearch(_ name: String, extra: [String] = []) throws -> BackgroundRednas {
        try background(["search", "--config", configURL.path, "--storage", server.url, "--name", name, "--quiet"] + extra)
    }

    private func worker(_ name: String) throws -> BackgroundRednas {
        try background(["worker", "--storage", server.url, "--name", name])
    }

    /// number, arch, seed, parent, accuracies, MSRS of each record of a run's journal — all but times.
    private func journal(_ run: URL) throws -> [String] {
        let text = try String(contentsOf: run.appendingPathComponent("journal.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").compactMap { line in
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            if o["journal"] != nil { return nil }
            let m = o["metrics"] as! [String: Any]
            return ["number", "arch", "seed", "parent"].map { "\(o[$0] ?? "-")" }.joined(separator: " ")
                + " \(m["valid_accuracy"]!) \(m["test_accuracy"] ?? "-") \(m["msrs"] ?? "-")"
        }
    }

    /// The weights file of every candidate of a run, by candidate folder.
    private func weights(_ run: URL) throws -> [String: Data] {
        let folder = run.appendingPathComponent("candidates")
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let file = folder.appendingPathComponent(name).appendingPathComponent("weights.safetensors")
            files[name] = try Data(contentsOf: file)
        }
        return files
    }

    /// Waits until `condition` holds (polling), failing after `seconds`.
    func waitUntil(_ seconds: Double, _ what: String, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("timed out after \(seconds) s waiting for \(what)")
    }

    /// The log's completions per proposal, proposals without a completion, and the state check
    /// (`rednas status` replays the log and compares it with the stored state).
    private func checkCompleteAndExact(_ name: String, evaluations: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let proposed = try server.query("SELECT count(*) FROM rednas_log WHERE search = '\(name)' AND kind = 'proposed'")
        let completed = try server.query("SELECT count(*), count(DISTINCT number) FROM rednas_log WHERE search = '\(name)' AND kind = 'completed'")
        XCTAssertEqual(proposed, ["\(evaluations)"], "proposals", file: file, line: line)
        XCTAssertEqual(completed, ["\(evaluations)|\(evaluations)"], "each proposal completed exactly once", file: file, line: line)
        let states = try server.query("SELECT status, count(*) FROM rednas_candidates WHERE search = '\(name)' GROUP BY status")
        XCTAssertEqual(states, ["done|\(evaluations)"], "every candidate done, none failed or running", file: file, line: line)
        let history = try server.query("SELECT count(DISTINCT history_number), min(history_number), max(history_number) FROM rednas_candidates WHERE search = '\(name)'")
        XCTAssertEqual(history, ["\(evaluations)|0|\(evaluations - 1)"], "history numbers 0…n−1, each once", file: file, line: line)
        let status = try rednas(["status", "--storage", server.url, "--name", name, "--json"])
        XCTAssertEqual(status.status, 0, "replay of the log equals the stored state: \(status.stderr)", file: file, line: line)
        let s = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(s?["done"] as? Int, evaluations, file: file, line: line)
    }

    func testThreeWorkersKilledTenTimesCompleteWithNothingLostOrDoubled() throws {
        let name = uniqueName("kills")
        try config(epochs: 2, evaluations: 16).write(to: configURL, atomically: true, encoding: .utf8)
        var workers = [try startSearch(name, extra: ["--lease-seconds", "1.5", "--max-attempts", "20"])]
        try waitUntil(30, "the search to be created") {
            try server.query("SELECT count(*) FROM rednas_searches WHERE name = '\(name)'") == ["1"]
        }
        workers += [try worker(name), try worker(name)]
        var generator = SystemRandomNumberGenerator()
        var moments: [Double] = []
        var killedHoldingWork = 0
        for _ in 0..<10 {
            let delay = Double.random(in: 0.1...0.9, using: &generator)
            moments.append(delay)
            Thread.sleep(forTimeInterval: delay)
            let victim = Int.random(in: 0..<workers.count, using: &generator)
            let holds = try server.query("SELECT count(*) FROM rednas_candidates WHERE search = '\(name)' AND status = 'running' AND worker LIKE '%:\(workers[victim].pid)'")
            if holds != ["0"] { killedHoldingWork += 1 }
            kill(workers[victim].pid, SIGKILL)
            workers[victim].wait(seconds: 10, "a killed worker")
            workers[victim] = try worker(name)
        }
        for (i, w) in workers.enumerated() {
            XCTAssertEqual(w.wait(seconds: 180, "worker \(i)"), 0, "worker \(i) (kills after \(moments)):\n\(w.stderr)")
        }
        try checkCompleteAndExact(name, evaluations: 16)
        XCTAssertGreaterThan(killedHoldingWork, 0, "no kill hit a worker holding a candidate (kills after \(moments))")
        let takeovers = try server.query("SELECT count(*) FROM rednas_log WHERE search = '\(name)' AND kind = 'lease_taken_over'")
        XCTAssertGreaterThanOrEqual(Int(takeovers.first ?? "0") ?? 0, 1, "killed candidates were taken over")
    }

    func testWorkersReconnectAfterTheServerRestarts() throws {
        let name = uniqueName("restart")
        try config(epochs: 4, evaluations: 8).write(to: configURL, atomically: true, encoding: .utf8)
        var workers = [try startSearch(name, extra: ["--lease-seconds", "5"])]
        try waitUntil(60, "a first completion") {
            (try? server.query("SELECT count(*) FROM rednas_log WHERE search = '\(name)' AND kind = 'completed'")) ?? ["0"] != ["0"]
        }
        workers.append(try worker(name))
        try waitUntil(60, "the second worker's claim") {
            try server.query("SELECT count(*) FROM rednas_candidates WHERE search = '\(name)' AND worker LIKE '%:\(workers[1].pid)'") != ["0"]
        }
        let before = try server.query("SELECT count(*) FROM rednas_log WHERE search = '\(name)' AND kind = 'completed'")
        try server.restart()
        for (i, w) in workers.enumerated() {
            XCTAssertEqual(w.wait(seconds: 180, "worker \(i)"), 0, "worker \(i):\n\(w.stderr)")
        }
        XCTAssertNotEqual(before, ["8"], "the restart came after the search had finished")
        XCTAssertTrue(workers[1].stderr.contains("reconnecting"), "the second worker did not notice the restart:\n\(workers[1].stderr)")
        try checkCompleteAndExact(name, evaluations: 8)
    }

    func testAVersionOneDatabaseIsMigratedByAWorker() throws {
        let name = uniqueName("v1")
        let database = "rednas_" + name.replacingOccurrences(of: "-", with: "_")
        try server.createDatabase(database)
        let url = server.url(database: database)
        let lastSeqIsStateSeq = "SELECT (SELECT max(seq) FROM rednas_log WHERE search = '\(name)') = state_seq FROM rednas_searches"
        let run = try rednas(["search", "--config", configURL.path, "--storage", url, "--name", name, "--quiet",
                              "--set", "search.budget.evaluations=3"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try server.query(lastSeqIsStateSeq, database: database), ["t"],
                       "the finished search's snapshot is the replay of its whole log")
        // What version 1 kept: no state_seq, and a state column written by a rednas that counted
        // other things in it (here: a state that does not even decode) — never a snapshot.
        _ = try server.query("""
            BEGIN; DROP INDEX rednas_candidates_running; ALTER TABLE rednas_searches DROP COLUMN state_seq;
            UPDATE rednas_searches SET state = '{"written_by": "rednas schema 1"}' WHERE name = '\(name)';
            DROP FUNCTION rednas_lock_and_read; DELETE FROM rednas_schema_version WHERE version >= 2; COMMIT
            """, database: database)
        let status = try rednas(["status", "--storage", url, "--name", name])
        XCTAssertNotEqual(status.status, 0)
        XCTAssertTrue(status.stderr.contains("schema version 1, older than this rednas's (3)"), status.stderr)
        let worker = try rednas(["worker", "--storage", url, "--name", name])
        XCTAssertEqual(worker.status, 0, worker.stderr)
        XCTAssertEqual(try server.query("SELECT max(version) FROM rednas_schema_version", database: database), ["3"])
        XCTAssertEqual(try server.query(lastSeqIsStateSeq, database: database), ["t"],
                       "the worker's transaction on the migrated search wrote a snapshot of the whole log")
        let after = try rednas(["status", "--storage", url, "--name", name, "--json"])
        XCTAssertEqual(after.status, 0, "the migrated snapshot equals the replay of the log: \(after.stderr)")
        let s = try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(s?["done"] as? Int, 3)
    }

    func testAPausedWorkersLateCommitIsRefusedAfterTheTakeover() throws {
        let name = uniqueName("paused")
        try config(epochs: 30, evaluations: 2).write(to: configURL, atomically: true, encoding: .utf8)
        let paused = try background(["search", "--config", configURL.path, "--storage", server.url, "--name", name,
                                     "--lease-seconds", "2"])
        var number = ""
        try waitUntil(60, "the first worker's claim") {
            // Until the search has created the schema (a fresh database), the table does not exist yet.
            number = (try? server.query("SELECT number FROM rednas_candidates WHERE search = '\(name)' AND status = 'running' AND worker LIKE '%:\(paused.pid)'"))?.first ?? ""
            return !number.isEmpty
        }
        kill(paused.pid, SIGSTOP)
        // This one has the password in its URL: the process list must not show it.
        let other = try background(["worker", "--storage", server.url(password: server.password), "--name", name])
        try waitUntil(120, "the takeover of #\(number)") {
            try server.query("SELECT count(*) FROM rednas_log WHERE search = '\(name)' AND kind = 'lease_taken_over' AND number = \(number)") == ["1"]
        }
        let commandLine = String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(other.pid)/cmdline"))) ?? Data(), as: UTF8.self)
        XCTAssertTrue(commandLine.contains("--storage"), "read the worker's command line: \(commandLine)")
        XCTAssertFalse(commandLine.contains(server.password), "the password shows in the process list")
        try waitUntil(120, "the commit of #\(number) by the other worker") {
            try server.query("SELECT status FROM rednas_candidates WHERE search = '\(name)' AND number = \(number)") == ["done"]
        }
        kill(paused.pid, SIGCONT)
        XCTAssertEqual(paused.wait(seconds: 120, "the paused worker"), 0, paused.stderr)
        XCTAssertEqual(other.wait(seconds: 120, "the other worker"), 0, other.stderr)
        let refused = try server.query("SELECT number, worker FROM rednas_log WHERE search = '\(name)' AND kind = 'commit_refused'")
        XCTAssertTrue(refused.contains { $0.hasPrefix("\(number)|") && $0.hasSuffix(":\(paused.pid)") },
                      "the paused worker's late commit of #\(number) is refused and logged: \(refused)")
        XCTAssertTrue(paused.stderr.contains("commit of #\(number) refused"), paused.stderr)
        try checkCompleteAndExact(name, evaluations: 2)
    }

    /// A worker on one machine stops mid-training (SIGSTOP: as good as lost); a worker on another
    /// machine (a fresh `--workdir`) takes its lease over and continues from the epoch checkpoint
    /// the first one kept in the database, and the result is the one-process run's.
    func testATakeoverOnAnotherMachineContinuesFromTheKeptCheckpoint() throws {
        try config(epochs: 60, evaluations: 1).write(to: configURL, atomically: true, encoding: .utf8)
        let local = workspace.appendingPathComponent("local")
        let run = try rednas(["search", "--config", configURL.path, "--run-dir", local.path, "--quiet"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let name = uniqueName("kept")
        let machine = { (k: Int) in self.workspace.appendingPathComponent("machine-\(k)").path }
        let first = try background(["search", "--config", configURL.path, "--storage", server.url, "--name", name,
                                    "--lease-seconds", "1", "--workdir", machine(0)])
        let kept = "SELECT count(*) FROM rednas_artifacts WHERE search = '\(name)' AND name LIKE 'checkpoint/%'"
        try waitUntil(60, "a kept checkpoint") { (try? server.query(kept)) != ["0"] && (try? server.query(kept)) != nil }
        kill(first.pid, SIGSTOP)
        defer { kill(first.pid, SIGKILL) }
        let status = try server.query("SELECT status FROM rednas_candidates WHERE search = '\(name)' AND number = 0")
        try XCTSkipUnless(status == ["running"], "the first worker finished before it was stopped (\(status))")
        let second = try rednas(["worker", "--storage", server.url, "--name", name, "--workdir", machine(1)])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try server.query("SELECT count(*) FROM rednas_log WHERE search = '\(name)' AND kind = 'lease_taken_over'"), ["1"])
        XCTAssertEqual(try server.query(kept), ["0"], "the commit dropped the kept checkpoint")
        // The second machine's training log starts after the first epoch: it continued.
        let folder = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: machine(1)).first { $0.hasPrefix("0000-") })
        let log = try String(contentsOfFile: "\(machine(1))/\(folder)/train.log", encoding: .utf8)
        let firstEpoch = try XCTUnwrap(log.split(separator: "\n").first { $0.hasPrefix("epoch ") })
        let epoch = try XCTUnwrap(Int(firstEpoch.split(separator: " ")[1]))
        XCTAssertGreaterThan(epoch, 1, "the takeover started from scratch:\n\(log)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(machine(1))/\(folder)/checkpoint"), "the trainer finished")
        let mirror = workspace.appendingPathComponent("mirror")
        let export = try rednas(["export", "--storage", server.url, "--name", name, "--run-dir", mirror.path])
        XCTAssertEqual(export.status, 0, export.stderr)
        XCTAssertEqual(try journal(mirror), try journal(local), "the continued training is the uninterrupted one")
        XCTAssertEqual(try weights(mirror), try weights(local), "the same weights")
    }

    func testOneWorkerEqualsTheLocalRunAndExportsTheSameAnswer() throws {
        let local = workspace.appendingPathComponent("local")
        let run = try rednas(["search", "--config", configURL.path, "--run-dir", local.path, "--quiet"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let name = uniqueName("single")
        let db = try rednas(["search", "--config", configURL.path, "--storage", server.url, "--name", name, "--quiet"])
        XCTAssertEqual(db.status, 0, db.stderr)
        let mirror = workspace.appendingPathComponent("mirror")
        let export = try rednas(["export", "--storage", server.url, "--name", name, "--run-dir", mirror.path])
        XCTAssertEqual(export.status, 0, export.stderr)
        XCTAssertEqual(try journal(mirror), try journal(local), "the database search is the local search")
        let localExport = try rednas(["export", local.path])
        XCTAssertEqual(localExport.status, 0, localExport.stderr)
        let a = try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as! [String: Any]
        let b = try JSONSerialization.jsonObject(with: Data(localExport.stdout.utf8)) as! [String: Any]
        for key in ["arch", "index", "seed", "valid_accuracy", "test_accuracy", "msrs", "params", "flops"] {
            XCTAssertEqual("\(a[key] ?? "-")", "\(b[key] ?? "-")", key)
        }
        let weights = try Data(contentsOf: URL(fileURLWithPath: a["weights"] as! String))
        XCTAssertEqual(weights, try Data(contentsOf: URL(fileURLWithPath: b["weights"] as! String)), "the same weights, from the database")
        let report = try rednas(["report", "--storage", server.url, "--name", name, "--run-dir", mirror.path])
        XCTAssertEqual(report.status, 0, report.stderr)
        let list = try rednas(["search", "--storage", server.url, "--list"])
        XCTAssertTrue(list.stdout.contains("\(name)\t8 completed\t0 running"), list.stdout)
        // The password (from PGPASSWORD) appears in nothing rednas printed or stored.
        for text in [db.stdout, db.stderr, export.stdout, export.stderr, list.stdout] {
            XCTAssertFalse(text.contains(server.password), "the password was printed")
        }
        let stored = try server.query("SELECT count(*) FROM rednas_log WHERE body LIKE '%\(server.password)%'")
            + server.query("SELECT count(*) FROM rednas_searches WHERE config LIKE '%\(server.password)%'")
        XCTAssertEqual(stored, ["0", "0"])
    }

    /// `search.parallel: generations` (3 per generation, 8 candidates): one worker, and three workers
    /// whose results arrive out of proposal order (the first worker is paused on the first candidate
    /// of a generation until the other two have committed the rest), give the local run's journal and
    /// every candidate's weights.
    func testGenerationsWithOneAndThreeWorkersEqualTheLocalRun() throws {
        try config(epochs: 2, evaluations: 8, search: "\n  parallel: generations\n  generation_size: 3")
            .write(to: configURL, atomically: true, encoding: .utf8)
        let local = workspace.appendingPathComponent("local")
        let run = try rednas(["search", "--config", configURL.path, "--run-dir", local.path, "--quiet"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let expected = try journal(local)
        XCTAssertEqual(expected.count, 8)

        let single = uniqueName("gen1")
        let one = try rednas(["search", "--config", configURL.path, "--storage", server.url, "--name", single, "--quiet"])
        XCTAssertEqual(one.status, 0, one.stderr)

        let three = uniqueName("gen3")
        let first = try startSearch(three, extra: ["--lease-seconds", "60"])
        // Pause the first worker while it trains the first candidate k of a generation (and holds
        // no transaction open); it goes on alone through the generations until caught.
        var caught: Int?
        let deadline = Date().addingTimeInterval(120)
        while caught == nil, Date() < deadline, first.process.isRunning {
            let running = (try? server.query("SELECT number FROM rednas_candidates WHERE search = '\(three)' AND status = 'running'")) ?? []
            guard let k = running.first.flatMap({ Int($0) }), k % 3 == 0 else { continue }
            kill(first.pid, SIGSTOP)
            let still = try server.query("SELECT status FROM rednas_candidates WHERE search = '\(three)' AND number = \(k)")
            let open = try server.query("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                        + "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL")
            if still == ["running"], open == ["0"] { caught = k } else { kill(first.pid, SIGCONT) }
        }
        let k = try XCTUnwrap(caught, "the first worker was never caught training the first candidate of a generation")
        let end = min(k + 3, 8)
        let others = [try worker(three), try worker(three)]
        try waitUntil(120, "the other workers' commits of #\(k + 1)…#\(end - 1)") {
            try server.query("SELECT count(*) FROM rednas_candidates WHERE search = '\(three)' AND status = 'done'") == ["\(end - 1)"]
        }
        XCTAssertEqual(try server.query("SELECT count(*) FROM rednas_log WHERE search = '\(three)' AND kind = 'proposed'"),
                       ["\(end)"], "the next generation waits for #\(k)")
        kill(first.pid, SIGCONT)
        for (i, process) in ([first] + others).enumerated() {
            XCTAssertEqual(process.wait(seconds: 180, "worker \(i)"), 0, process.stderr)
        }
        let arrivals = try server.query("SELECT number FROM rednas_log WHERE search = '\(three)' AND kind = 'completed' ORDER BY seq")
        XCTAssertEqual(arrivals.count, 8)
        XCTAssertGreaterThan(arrivals.firstIndex(of: "\(k)")!, arrivals.firstIndex(of: "\(k + 1)")!,
                             "#\(k) arrived after #\(k + 1): \(arrivals)")
        let committers = try server.query("SELECT count(DISTINCT worker) FROM rednas_log WHERE search = '\(three)' AND kind = 'completed'")
        XCTAssertGreaterThanOrEqual(Int(committers.first ?? "0") ?? 0, 2, "the paused worker and another committed")

        for name in [single, three] {
            try checkCompleteAndExact(name, evaluations: 8)
            let mirror = workspace.appendingPathComponent("mirror-\(name)")
            let export = try rednas(["export", "--storage", server.url, "--name", name, "--run-dir", mirror.path])
            XCTAssertEqual(export.status, 0, export.stderr)
            XCTAssertEqual(try journal(mirror), expected, "\(name): the database search is the local search")
            let mirrored = try weights(mirror), own = try weights(local)
            XCTAssertEqual(mirrored.keys.sorted(), own.keys.sorted(), name)
            for (folder, data) in own { XCTAssertEqual(mirrored[folder], data, "\(name): weights of \(folder)") }
        }
    }

    func testClearErrorsAndNothingWritten() throws {
        let name = uniqueName("errors")
        let first = try rednas(["search", "--config", configURL.path, "--storage", server.url, "--name", name, "--quiet",
                                "--set", "search.budget.evaluations=1"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let searchRows = { try self.server.query("SELECT name, fingerprint FROM rednas_searches ORDER BY name") }
        let before = try searchRows()
        let logBefore = try server.query("SELECT count(*) FROM rednas_log")
        let port = URLComponents(string: server.url)!.port!
        let cases: [(String, [String], [String: String], String)] = [
            ("malformed URL", ["worker", "--storage", "mysql://rednas@127.0.0.1/x", "--name", name], [:], "not a PostgreSQL URL"),
            ("URL without database", ["worker", "--storage", "postgresql://rednas@127.0.0.1:\(port)", "--name", name], [:], "names no database"),
            ("unreachable host", ["worker", "--storage", "postgresql://rednas@127.0.0.1:1/rednas_test", "--name", name], [:], "cannot reach the PostgreSQL server"),
            ("wrong password", ["worker", "--storage", server.url, "--name", name], ["PGPASSWORD": "not-the-password"], "refused the login"),
            ("missing database", ["worker", "--storage", server.url(database: "no_such_db"), "--name", name], [:], "database does not exist"),
            ("unknown name", ["status", "--storage", server.url, "--name", "no-such-search"], [:], "no search named no-such-search"),
            ("existing name, other config", ["search", "--config", configURL.path, "--storage", server.url, "--name", name,
                                             "--set", "training.epochs=3"], [:], "training.epochs"),
        ]
        for (what, args, env, message) in cases {
            let result = try CLIRunner.run(args, in: workspace, environment: server.environment.merging(env) { $1 })
            XCTAssertNotEqual(result.status, 0, what)
            XCTAssertTrue(result.stderr.contains(message), "\(what): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains(server.password), "\(what): the password was printed")
        }
        XCTAssertEqual(try searchRows(), before, "no search was created or changed")
        XCTAssertEqual(try server.query("SELECT count(*) FROM rednas_log"), logBefore, "nothing was logged")
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("Results").path))
    }
}
