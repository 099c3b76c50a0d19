import Foundation
import XCTest

/// Multi-fidelity search (successive halving) in a PostgreSQL database: the rung checkpoint a
/// candidate keeps is committed to the database and a promotion continues it on whichever worker
/// (machine) claims it. Real server, real training (synthetic data, 2-channel networks).
final class PostgresRungTests: XCTestCase {
    private var workspace: URL!
    private var server: PostgresServer!

    override func setUpWithError() throws {
        server = try PostgresServer.require()
        workspace = FileManager.default.temporaryDirectory.appendingPathComponent("pg-rungs-\(UUID())")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        try TinySearch.synthesizeData(in: workspace, train: 320)
        let config = TinySearch.config(in: workspace, epochs: 3, """
            search:
              population: 4
              sample_size: 2
              scheduler:
                kind: successive_halving
                min_epochs: 1
                eta: 2
              budget:
                epochs: 14
            fitness:
              kind: penalty
              lambda: 10
            seed: 3
            threads: 1
            """)
        try config.write(to: configURL, atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    private var configURL: URL { workspace.appendingPathComponent("rungs.yaml") }

    private func uniqueName(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

    private func rednas(_ args: [String]) throws -> CLIRunner.Result {
        try CLIRunner.run(args, in: workspace, environment: server.environment)
    }

    /// Each record's identity, rung and results (no wall-clock fields).
    private func journal(_ run: URL) throws -> [String] {
        try records(run).map { o in
            let m = o["metrics"] as! [String: Any]
            return ["number", "candidate", "bracket", "rung", "arch", "seed", "parent"].map { "\(o[$0] ?? "-")" }.joined(separator: " ")
                + " \(m["epochs"]!) \(m["valid_accuracy"]!) \(m["test_accuracy"] ?? "-") \(m["msrs"] ?? "-")"
        }
    }

    private func records(_ run: URL) throws -> [[String: Any]] {
        let text = try String(contentsOf: run.appendingPathComponent("journal.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").compactMap { line in
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return o["journal"] == nil ? o : nil
        }
    }

    private func mirror(_ name: String) throws -> URL {
        let folder = workspace.appendingPathComponent("mirror-\(name)")
        let export = try rednas(["export", "--storage", server.url, "--name", name, "--run-dir", folder.path])
        XCTAssertEqual(export.status, 0, export.stderr)
        return folder
    }

    /// One worker at a time, each on a fresh work folder (a new machine) committing one piece of
    /// work: every promotion must fetch its candidate's rung checkpoint from the database. The
    /// journal, answer and weights equal the one-process run's.
    func testOneWorkerAtATimeOnNewMachinesEqualsTheLocalRun() throws {
        let local = workspace.appendingPathComponent("local")
        let run = try rednas(["search", "--config", configURL.path, "--run-dir", local.path, "--quiet"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let expected = try journal(local)
        XCTAssertTrue(try records(local).contains { ($0["candidate"] as? Int) != ($0["number"] as? Int) }, "promotions: \(expected)")

        let name = uniqueName("rungs-seq")
        let machine = { (k: Int) in self.workspace.appendingPathComponent("machine-\(k)").path }
        let first = try rednas(["search", "--config", configURL.path, "--storage", server.url, "--name", name,
                                "--max-candidates", "1", "--workdir", machine(0)])
        XCTAssertEqual(first.status, 0, first.stderr)
        var finished = false
        for k in 1...(expected.count + 1) where !finished {
            let worker = try rednas(["worker", "--storage", server.url, "--name", name, "--max-candidates", "1",
                                     "--workdir", machine(k)])
            XCTAssertEqual(worker.status, 0, worker.stderr)
            finished = worker.stderr.contains("search finished")
        }
        XCTAssertTrue(finished, "the search finished within one worker per record")
        let mirrored = try mirror(name)
        XCTAssertEqual(try journal(mirrored), expected, "the database search is the one-process search")

        // A promotion on a new machine continued the files its candidate's last rung committed:
        // the training log there starts with the previous machine's log.
        // Machine k committed record k (one worker at a time).
        let all = try records(mirrored)
        let promotion = try XCTUnwrap(all.first { ($0["candidate"] as? Int) != ($0["number"] as? Int) })
        let number = promotion["number"] as! Int, candidate = promotion["candidate"] as! Int
        let previous = all[..<number].last { $0["candidate"] as? Int == candidate }!["number"] as! Int
        let folder = String(format: "%04d-%05d", candidate, promotion["index"] as! Int)
        let before = try String(contentsOfFile: "\(machine(previous))/\(folder)/train.log", encoding: .utf8)
        let after = try String(contentsOfFile: "\(machine(number))/\(folder)/train.log", encoding: .utf8)
        XCTAssertTrue(after.hasPrefix(before) && after.count > before.count, "machine \(number) continued:\n\(before)\n---\n\(after)")

        let localExport = try rednas(["export", local.path])
        let dbExport = try rednas(["export", "--storage", server.url, "--name", name, "--run-dir", mirrored.path])
        XCTAssertEqual(localExport.status, 0, localExport.stderr)
        XCTAssertEqual(dbExport.status, 0, dbExport.stderr)
        let a = try JSONSerialization.jsonObject(with: Data(dbExport.stdout.utf8)) as! [String: Any]
        let b = try JSONSerialization.jsonObject(with: Data(localExport.stdout.utf8)) as! [String: Any]
        for key in ["arch", "seed", "candidate", "epochs", "valid_accuracy", "test_accuracy", "msrs"] {
            XCTAssertEqual("\(a[key] ?? "-")", "\(b[key] ?? "-")", key)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a["weights"] as! String)),
                       try Data(contentsOf: URL(fileURLWithPath: b["weights"] as! String)), "the same weights")
    }

    /// Three workers at once: every rung of every candidate is committed once and in order, the
    /// log replays to the stored state, the budget counts the work in flight, and the database
    /// keeps a rung checkpoint exactly for the candidates paused below the top rung.
    func testThreeWorkersCommitEveryRungOnce() throws {
        let name = uniqueName("rungs-par")
        let workers = [try BackgroundRednas(["search", "--config", configURL.path, "--storage", server.url, "--name", name,
                                             "--quiet", "--workdir", workspace.appendingPathComponent("w0").path],
                                            environment: server.environment, logs: workspace)]
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline,
              (try? server.query("SELECT count(*) FROM rednas_searches WHERE name = '\(name)'")) != ["1"] {
            Thread.sleep(forTimeInterval: 0.1)
        }
        let all = workers + (try (1...2).map { k in
            try BackgroundRednas(["worker", "--storage", server.url, "--name", name, "--workdir",
                                  workspace.appendingPathComponent("w\(k)").path],
                                 environment: server.environment, logs: workspace)
        })
        for (k, worker) in all.enumerated() {
            XCTAssertEqual(worker.wait(seconds: 240, "worker \(k)"), 0, "worker \(k):\n\(worker.stderr)")
        }
        let status = try rednas(["status", "--storage", server.url, "--name", name, "--json"])
        XCTAssertEqual(status.status, 0, "replay of the log equals the stored state: \(status.stderr)")

        let records = try records(try mirror(name))
        XCTAssertEqual(records.map { $0["number"] as! Int }, Array(records.indices))
        var reached: [Int: (rung: Int, epochs: Int, seed: Int)] = [:]
        var used = 0
        for r in records {
            let candidate = r["candidate"] as! Int, rung = r["rung"] as! Int
            let epochs = (r["metrics"] as! [String: Any])["epochs"] as! Int
            XCTAssertEqual(rung, reached[candidate].map { $0.rung + 1 } ?? 0, "#\(r["number"]!): rungs once, in order")
            if let before = reached[candidate] { XCTAssertEqual(r["seed"] as? Int, before.seed, "a promotion keeps the seed") }
            used += epochs - (reached[candidate]?.epochs ?? 0)
            reached[candidate] = (rung, epochs, r["seed"] as! Int)
        }
        let promotions = records.filter { ($0["candidate"] as! Int) != ($0["number"] as! Int) }.count
        XCTAssertGreaterThan(promotions, 0)
        XCTAssertEqual(try server.query("SELECT count(*) FROM rednas_log WHERE search = '\(name)' AND kind = 'promoted'"),
                       ["\(promotions)"])
        // Every piece of work trains one epoch (rungs 1, 2, 3): counting the work in flight, the
        // budget is met exactly, however the workers interleave.
        XCTAssertEqual(used, 14, "work in flight counted against the epochs budget")
        XCTAssertEqual(try server.query("SELECT status, count(*) FROM rednas_candidates WHERE search = '\(name)' GROUP BY status"),
                       ["done|\(reached.count)"])
        // Checkpoints in the database: for the candidates paused below the top rung (3 epochs) only.
        let paused = Set(try server.query("""
            SELECT DISTINCT c.history_number FROM rednas_artifacts a JOIN rednas_candidates c
              ON c.search = a.search AND c.number = a.number
            WHERE a.search = '\(name)' AND a.name LIKE 'checkpoint/%.safetensors'
            """).compactMap { Int($0) })
        XCTAssertEqual(paused, Set(reached.filter { $0.value.epochs < 3 }.map(\.key)))
    }
}
