import Foundation
import XCTest

/// A real multi-fidelity search (successive halving over 1 and 3 epochs) on a tiny dataset:
/// killed with SIGKILL at several moments and resumed, it ends with the journal of the run that
/// never stopped; status, export and report understand its rungs.
final class MultiFidelityCLITests: XCTestCase {
    private var workspace: URL!

    override func setUpWithError() throws {
        workspace = FileManager.default.temporaryDirectory.appendingPathComponent("rungs-cli-\(UUID())")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        try TinySearch.synthesizeData(in: workspace, train: 320)
        let config = TinySearch.config(in: workspace, epochs: 3, """
            search:
              population: 4
              sample_size: 2
              space: \(TinySearch.spacePath)
              scheduler:
                kind: successive_halving
                min_epochs: 1
                eta: 2
              budget:
                epochs: 16
            fitness:
              kind: penalty
              lambda: 10
            seed: 3
            threads: 1
            """)
        try config.write(to: workspace.appendingPathComponent("rungs.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: workspace) }

    private var configPath: String { workspace.appendingPathComponent("rungs.yaml").path }

    /// Every record's identity, rung and results (no wall-clock fields).
    private func journal(_ run: URL) throws -> [String] {
        let text = try String(contentsOf: run.appendingPathComponent("journal.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").compactMap { line in
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            if o["journal"] != nil { return nil }
            let m = o["metrics"] as! [String: Any]
            return ["number", "candidate", "bracket", "rung", "arch", "seed", "parent"].map { "\(o[$0] ?? "-")" }.joined(separator: " ")
                + " \(m["epochs"]!) \(m["valid_accuracy"]!) \(m["test_accuracy"] ?? "-") \(m["msrs"] ?? "-")"
        }
    }

    func testKilledAtAnyMomentTheMultiFidelitySearchResumesToTheSameJournal() throws {
        let reference = workspace.appendingPathComponent("reference")
        let full = try CLIRunner.run(["search", "--config", configPath, "--run-dir", reference.path, "--quiet"])
        XCTAssertEqual(full.status, 0, full.stderr)
        let expected = try journal(reference)
        XCTAssertTrue(expected.contains { $0.split(separator: " ")[7] == "3" }, "a candidate reached the top rung: \(expected)")
        try KillResumeTrials.check(plans: [[(1, 0.05), (4, 0.3)], [(3, 0.0)], [(2, 0.5), (5, 0.1), (7, 0.2)]], config: configPath,
                                   workspace: workspace, expected: expected, journal: journal)

        let status = try CLIRunner.run(["status", reference.path, "--json"])
        XCTAssertEqual(status.status, 0, status.stderr)
        let s = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(s["phase"] as? String, "finished")
        XCTAssertEqual(s["budget_epochs"] as? Int, 16)
        XCTAssertGreaterThanOrEqual(s["epochs_used"] as? Int ?? 0, 16)
        let promotions = expected.filter { line in
            let f = line.split(separator: " ")
            return f[0] != f[1]
        }.count
        XCTAssertGreaterThan(promotions, 0)
        XCTAssertEqual(s["promotions"] as? Int, promotions)
        XCTAssertEqual(s["done"] as? Int, expected.count - promotions, "done counts candidates")

        let export = try CLIRunner.run(["export", reference.path])
        XCTAssertEqual(export.status, 0, export.stderr)
        let e = try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(e["epochs"] as? Int, 3, "the answer comes from the top rung")
        XCTAssertTrue(FileManager.default.fileExists(atPath: e["weights"] as! String))
        try checkTopKAndFrontCompareTheTopRungOnly(e, run: reference)

        let report = try CLIRunner.run(["report", reference.path])
        XCTAssertEqual(report.status, 0, report.stderr)
        let svg = try String(contentsOf: reference.appendingPathComponent("report/rung-curves.svg"), encoding: .utf8)
        XCTAssertEqual(svg.components(separatedBy: "class=\"stopped\"").count - 1
                       + svg.components(separatedBy: "class=\"completed\"").count - 1, expected.count - promotions,
                       "one end marker per candidate")
        XCTAssertTrue(svg.contains("class=\"completed\""))
    }

    /// `top_k` and `pareto_front` list only candidates at the highest rung reached (3 epochs),
    /// ranked by the penalty fitness and the front's definition among those alone.
    private func checkTopKAndFrontCompareTheTopRungOnly(_ e: [String: Any], run: URL) throws {
        XCTAssertEqual(e["compared_at_epochs"] as? Int, 3)
        let text = try String(contentsOf: run.appendingPathComponent("journal.jsonl"), encoding: .utf8)
        var latest: [Int: (epochs: Int, valid: Double, msrs: Double?)] = [:]
        for line in text.split(separator: "\n") {
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            guard o["journal"] == nil, let number = o["number"] as? Int else { continue }
            let m = o["metrics"] as! [String: Any]
            latest[o["candidate"] as? Int ?? number] = (m["epochs"] as! Int, m["valid_accuracy"] as! Double, m["msrs_normalized"] as? Double)
        }
        let top = latest.filter { $0.value.epochs == 3 }
        XCTAssertLessThan(top.count, latest.count, "some candidates stopped at the lower rung")
        let ranked = top.sorted { ($0.value.valid - 10 * ($0.value.msrs ?? 1), $1.key) > ($1.value.valid - 10 * ($1.value.msrs ?? 1), $0.key) }
        let listed = try XCTUnwrap(e["top_k"] as? [[String: Any]]).compactMap { $0["candidate"] as? Int }
        XCTAssertEqual(listed, ranked.prefix(5).map(\.key))
        let scored = top.filter { $0.value.msrs != nil }
        let front = scored.filter { a in
            !scored.contains { b in b.value.valid >= a.value.valid && b.value.msrs! <= a.value.msrs!
                && (b.value.valid > a.value.valid || b.value.msrs! < a.value.msrs!) }
        }
        let exported = try XCTUnwrap(e["pareto_front"] as? [[String: Any]]).compactMap { $0["candidate"] as? Int }
        XCTAssertEqual(Set(exported), Set(front.map(\.key)))
    }

    /// Hyperband end to end on real Fashion-MNIST (a tiny budget): rungs of 1 and 3 epochs, so
    /// bracket 0 starts candidates at 1 epoch and promotes the top third, bracket 1 trains them
    /// straight to 3. The candidates learn (well above the 10 % of chance), a promotion's final
    /// training curve begins with the epoch its lower rung measured, and status/export/report
    /// understand the brackets.
    func testHyperbandOnFashionMNIST() throws {
        let data = "/usr/share/datasets/fashion-mnist"
        guard FileManager.default.fileExists(atPath: data) else { throw XCTSkip("Fashion-MNIST not installed at \(data)") }
        let config = """
            dataset:
              kind: fashion-mnist
              path: \(data)
              valid_count: 600
              train_subset: 800
              valid_subset: 300
              test_subset: 300
            network:
              channels: 4
              cells: 1
            training:
              epochs: 3
              batch_size: 64
              lr: 0.1
            msrs:
              batches: 1
              batch_size: 100
            search:
              population: 4
              sample_size: 2
              scheduler:
                kind: hyperband
                min_epochs: 1
                eta: 3
              budget:
                epochs: 14
            fitness:
              kind: penalty
              lambda: 10
            seed: 1
            threads: 2
            """
        let file = workspace.appendingPathComponent("hyperband.yaml")
        try config.write(to: file, atomically: true, encoding: .utf8)
        let run = workspace.appendingPathComponent("hyperband")
        let search = try CLIRunner.run(["search", "--config", file.path, "--run-dir", run.path, "--quiet"])
        XCTAssertEqual(search.status, 0, search.stderr)

        let text = try String(contentsOf: run.appendingPathComponent("journal.jsonl"), encoding: .utf8)
        let records = try text.split(separator: "\n").compactMap { line -> [String: Any]? in
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return o["journal"] == nil ? o : nil
        }
        let epochs = { (r: [String: Any]) in (r["metrics"] as! [String: Any])["epochs"] as! Int }
        let valid = { (r: [String: Any]) in (r["metrics"] as! [String: Any])["valid_accuracy"] as! Double }
        let starts = records.filter { $0["candidate"] as? Int == $0["number"] as? Int }
        XCTAssertEqual(starts.prefix(4).map { $0["bracket"] as! Int }, [0, 1, 0, 1], "new candidates take the brackets in turn")
        XCTAssertEqual(starts.prefix(2).map(epochs), [1, 3], "bracket s starts at rung s")
        let promotions = records.filter { $0["candidate"] as? Int != $0["number"] as? Int }
        XCTAssertFalse(promotions.isEmpty, "bracket 0 promoted a candidate: \(records.map { "\($0["candidate"]!)/\($0["rung"]!)" })")
        for p in promotions {
            XCTAssertEqual(p["bracket"] as? Int, 0)
            XCTAssertEqual(epochs(p), 3)
        }
        // A start costs its rung's epochs, a promotion the 2 it adds; the run stops at the first step reaching 14.
        let costs = records.map { $0["candidate"] as? Int == $0["number"] as? Int ? epochs($0) : 2 }
        XCTAssertGreaterThanOrEqual(costs.reduce(0, +), 14)
        XCTAssertLessThan(costs.dropLast().reduce(0, +), 14)
        let top = records.filter { epochs($0) == 3 }
        XCTAssertGreaterThan(top.map(valid).max() ?? 0, 30, "real learning: chance is 10 % (43.7 % on the machine it was written on)")

        // The promoted candidate's own curve (metrics.json) starts with the epoch its rung 0 measured.
        let promoted = promotions[0], candidate = promoted["candidate"] as! Int
        let first = records[candidate]
        let folder = run.appendingPathComponent("candidates").appendingPathComponent(String(format: "%04d-%05d", candidate, promoted["index"] as! Int))
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("metrics.json"))) as! [String: Any]
        let history = try XCTUnwrap((metrics["training"] as? [String: Any])?["history"] as? [[String: Any]], "\(metrics.keys)")
        XCTAssertEqual(history.count, 3)
        XCTAssertEqual(history.first?["valid_accuracy"] as? Double, valid(first))
        XCTAssertEqual(history.last?["valid_accuracy"] as? Double, valid(promoted))

        let export = try CLIRunner.run(["export", run.path])
        XCTAssertEqual(export.status, 0, export.stderr)
        let e = try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(e["epochs"] as? Int, 3)
        XCTAssertEqual(e["compared_at_epochs"] as? Int, 3)
        let status = try CLIRunner.run(["status", run.path, "--json"])
        XCTAssertEqual(status.status, 0, status.stderr)
        let s = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(s["promotions"] as? Int, promotions.count)
        let report = try CLIRunner.run(["report", run.path])
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("report/rung-curves.svg").path))
    }
}
