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
        let synth = try CLIRunner.run(["data", "synth", "--out", workspace.appendingPathComponent("data").path,
                                       "--train", "320", "--test", "64", "--classes", "4", "--seed", "5"])
        XCTAssertEqual(synth.status, 0, synth.stderr)
        let config = """
            dataset:
              kind: cifar10
              path: \(workspace.appendingPathComponent("data").path)
              split: holdout
              valid_count: 64
            network:
              channels: 2
              cells: 1
            training:
              epochs: 3
              batch_size: 64
            msrs:
              batches: 1
              batch_size: 64
            search:
              population: 4
              sample_size: 2
              space: \(FileManager.default.currentDirectoryPath)/SearchSpaces/nats-tss.yaml
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
            """
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

        let report = try CLIRunner.run(["report", reference.path])
        XCTAssertEqual(report.status, 0, report.stderr)
        let svg = try String(contentsOf: reference.appendingPathComponent("report/rung-curves.svg"), encoding: .utf8)
        XCTAssertEqual(svg.components(separatedBy: "class=\"stopped\"").count - 1
                       + svg.components(separatedBy: "class=\"completed\"").count - 1, expected.count - promotions,
                       "one end marker per candidate")
        XCTAssertTrue(svg.contains("class=\"completed\""))
    }
}
