import Foundation
import XCTest

/// The search as users run it, on a tiny real dataset: start, kill, resume, status, export.
final class SearchKillResumeTests: XCTestCase {
    private var workspace: URL!

    override func setUpWithError() throws {
        workspace = FileManager.default.temporaryDirectory.appendingPathComponent("search-cli-\(UUID())")
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
              flip: true
            network:
              channels: 2
              cells: 1
            training:
              epochs: 2
              batch_size: 64
            msrs:
              batches: 1
              batch_size: 64
            search:
              population: 4
              sample_size: 2
              cache: false
              space: \(FileManager.default.currentDirectoryPath)/SearchSpaces/nats-tss.yaml
              budget:
                evaluations: 8
            fitness:
              kind: penalty
              lambda: 10
            seed: 3
            threads: 1
            """
        try config.write(to: workspace.appendingPathComponent("tiny.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: workspace) }

    private var configPath: String { workspace.appendingPathComponent("tiny.yaml").path }

    /// number, arch, seed, accuracies, MSRS, reuse — everything but wall-clock fields.
    private func journal(_ run: URL) throws -> [String] {
        let text = try String(contentsOf: run.appendingPathComponent("journal.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").compactMap { line in
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            if o["journal"] != nil { return nil }  // the header line (the run's fingerprint)
            let m = o["metrics"] as! [String: Any]
            return ["number", "arch", "seed", "parent"].map { "\(o[$0] ?? "-")" }.joined(separator: " ")
                + " \(m["valid_accuracy"]!) \(m["test_accuracy"] ?? "-") \(m["msrs"] ?? "-")"
        }
    }

    func testKilledAtRandomMomentsTheSearchAlwaysResumesToTheSameResult() throws {
        let reference = workspace.appendingPathComponent("reference")
        let full = try CLIRunner.run(["search", "--config", configPath, "--run-dir", reference.path, "--quiet"])
        XCTAssertEqual(full.status, 0, full.stderr)
        let expected = try journal(reference)
        XCTAssertEqual(expected.count, 8)

        try KillResumeTrials.check(plans: [[(1, 0.3), (3, 0.8)], [(2, 0.1)], [(0, 0.05), (4, 0.6), (6, 0.45)]], config: configPath,
                                   workspace: workspace, expected: expected, journal: journal)
    }

    /// `search.parallel: generations` killed mid-generation (and between generations) resumes to
    /// the journal of the run that was never killed.
    func testGenerationsKilledMidGenerationResumeToTheSameResult() throws {
        let text = try String(contentsOfFile: configPath, encoding: .utf8)
            .replacingOccurrences(of: "  cache: false\n", with: "  cache: false\n  parallel: generations\n  generation_size: 3\n")
        let config = workspace.appendingPathComponent("generations.yaml")
        try text.write(to: config, atomically: true, encoding: .utf8)
        let reference = workspace.appendingPathComponent("reference")
        let full = try CLIRunner.run(["search", "--config", config.path, "--run-dir", reference.path, "--quiet"])
        XCTAssertEqual(full.status, 0, full.stderr)
        let expected = try journal(reference)
        XCTAssertEqual(expected.count, 8)
        let sequential = workspace.appendingPathComponent("sequential")
        XCTAssertEqual(try CLIRunner.run(["search", "--config", configPath, "--run-dir", sequential.path, "--quiet"]).status, 0)
        XCTAssertNotEqual(try journal(sequential), expected, "generations of 3 are another search than the sequential one")

        try KillResumeTrials.check(plans: [[(1, 0.2), (4, 0.3)], [(3, 0.05), (5, 0.2)]], config: config.path,
                                   workspace: workspace, expected: expected, journal: journal)
    }

    func testStopResumeStatusAndExport() throws {
        let run = workspace.appendingPathComponent("run")
        let partial = try CLIRunner.run(["search", "--config", configPath, "--run-dir", run.path, "--quiet",
                                         "--set", "search.budget.evaluations=3"])
        XCTAssertEqual(partial.status, 0, partial.stderr)
        let status = try CLIRunner.run(["status", run.path, "--json"])
        XCTAssertEqual(status.status, 0, status.stderr)
        let s = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(s["done"] as? Int, 3)
        XCTAssertEqual(s["phase"] as? String, "finished")

        let changed = try CLIRunner.run(["resume", run.path, "--set", "training.epochs=5"])
        XCTAssertNotEqual(changed.status, 0)
        XCTAssertTrue(changed.stderr.contains("training.epochs"), changed.stderr)
        let shrunk = try CLIRunner.run(["resume", run.path, "--set", "search.budget.evaluations=2"])
        XCTAssertNotEqual(shrunk.status, 0)
        let grown = try CLIRunner.run(["resume", run.path, "--quiet", "--set", "search.budget.evaluations=5"])
        XCTAssertEqual(grown.status, 0, grown.stderr)
        XCTAssertEqual(try journal(run).count, 5)

        let export = try CLIRunner.run(["export", run.path])
        XCTAssertEqual(export.status, 0, export.stderr)
        let e = try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as! [String: Any]
        for key in ["arch", "index", "canonical", "fitness", "valid_accuracy", "test_accuracy", "msrs", "msrs_normalized",
                    "params", "flops", "seed", "weights", "retrain_command"] {
            XCTAssertNotNil(e[key], "export lacks \(key)")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: e["weights"] as! String))
        XCTAssertTrue((e["retrain_command"] as! String).hasPrefix("rednas train --config "))
        XCTAssertEqual((e["network"] as? [String: Any])?["classes"] as? Int, 4)
        // The reproduce command reproduces the candidate: same architecture, seed and protocol.
        let retrainArgs = (e["reproduce_command"] as! String).split(separator: " ").dropFirst().map(String.init) + ["--quiet"]
        let retrain = try CLIRunner.run(retrainArgs)
        XCTAssertEqual(retrain.status, 0, retrain.stderr)
        let retrained = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: retrainArgs[retrainArgs.firstIndex(of: "--out")! + 1]).appendingPathComponent("metrics.json"))) as! [String: Any]
        let final = try XCTUnwrap(retrained["final"] as? [String: Any])
        XCTAssertEqual(final["test_accuracy"] as? Double, e["test_accuracy"] as? Double, "retraining reproduces the candidate")
        XCTAssertEqual(final["valid_accuracy"] as? Double, e["valid_accuracy"] as? Double)

        let msrs = try CLIRunner.run(["msrs", "--config", run.appendingPathComponent("config.yaml").path,
                                      "--weights", e["weights"] as! String, "--json",
                                      "--heatmap", workspace.appendingPathComponent("cka.svg").path])
        XCTAssertEqual(msrs.status, 0, msrs.stderr)
        let m = try JSONSerialization.jsonObject(with: Data(msrs.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(m["layers"] as? Int, 6)
        XCTAssertEqual((m["adjacent"] as? [Any])?.count, 5)
        XCTAssertEqual(m["msrs"] as? Double, e["msrs"] as? Double, "rednas msrs reproduces the search's MSRS")
        XCTAssertTrue(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("cka.svg").path))

        let report = try CLIRunner.run(["report", run.path])
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("report/index.html").path))
    }

    func testSearchRefusesAnExistingRunAndReportsConfigErrorsWithTheirLine() throws {
        let run = workspace.appendingPathComponent("run")
        XCTAssertEqual(try CLIRunner.run(["search", "--config", configPath, "--run-dir", run.path, "--quiet",
                                          "--set", "search.budget.evaluations=1"]).status, 0)
        let again = try CLIRunner.run(["search", "--config", configPath, "--run-dir", run.path])
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("rednas resume"), again.stderr)
        let broken = workspace.appendingPathComponent("broken.yaml")
        try "search:\n  populaton: 5\n".write(to: broken, atomically: true, encoding: .utf8)
        let bad = try CLIRunner.run(["search", "--config", broken.path])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("broken.yaml:2"), bad.stderr)
        XCTAssertTrue(bad.stderr.contains("population"), bad.stderr)
        let notARun = try CLIRunner.run(["resume", workspace.path])
        XCTAssertNotEqual(notARun.status, 0)
        XCTAssertTrue(notARun.stderr.contains("not a run directory"), notARun.stderr)
    }
}
