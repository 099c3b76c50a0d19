import Foundation
import XCTest

/// `rednas study` end to end on a tiny real dataset: child search processes, final re-training on
/// the test split, status and report; a SIGTERM mid-study and the same command again.
final class StudyCommandTests: XCTestCase {
    private var workspace: URL!

    override func setUpWithError() throws {
        workspace = FileManager.default.temporaryDirectory.appendingPathComponent("study-cli-\(UUID())")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        try TinyStudy.write(in: workspace, directory: "study")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: workspace) }

    private var studyDir: URL { workspace.appendingPathComponent("study") }

    func testATinyStudyRunsReportsAndResumesAfterSIGTERM() throws {
        // Start with two workers, stop it with SIGTERM once the first search has a journal line.
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = ["study", "--config", workspace.appendingPathComponent("study.yaml").path, "--workers", "2"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let journal = studyDir.appendingPathComponent("runs/plain/seed-0/journal.jsonl")
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, process.isRunning {
            if let text = try? String(contentsOf: journal, encoding: .utf8), text.split(separator: "\n").count >= 2 { break }
            usleep(50_000)
        }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130, "SIGTERM stops the study (exit 130)")
        // The same command continues: the stopped searches are resumed, not restarted.
        let again = try CLIRunner.run(["study", "--config", workspace.appendingPathComponent("study.yaml").path, "--workers", "2"])
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertTrue(again.stdout.contains("4 searches") && !again.stdout.contains("(4 finished)"), again.stdout)
        let childLog = try String(contentsOf: studyDir.appendingPathComponent("runs/plain/seed-0.log"), encoding: .utf8)
        XCTAssertTrue(childLog.contains("$ rednas resume"), childLog)

        let status = try CLIRunner.run(["study", "status", studyDir.path])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("4/4 searches finished, 0 failed"), status.stdout)
        XCTAssertTrue(status.stdout.contains("final re-trainings done"), status.stdout)

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: studyDir.appendingPathComponent("study.json"))) as! [String: Any]
        let arms = json["arms"] as! [[String: Any]]
        XCTAssertEqual(arms.map { $0["name"] as! String }, ["plain", "penalty"])
        // The study's own files are in the one JSON style: snake_case keys and a schema_version.
        XCTAssertEqual(json["schema_version"] as? Int, 2)
        let plan = try JSONSerialization.jsonObject(with: Data(contentsOf: studyDir.appendingPathComponent("plan.json"))) as! [String: Any]
        XCTAssertEqual(plan["schema_version"] as? Int, 2)
        XCTAssertNotNil(plan["arm_configs"], "snake_case keys: \(plan.keys.sorted())")
        for arm in arms {
            let runs = arm["runs"] as! [[String: Any]]
            XCTAssertEqual(runs.count, 2)
            for run in runs {
                let final = try XCTUnwrap(run["final"] as? [String: Double], "every answer re-trained")
                let accuracy = try XCTUnwrap(final["test_accuracy"])
                XCTAssertTrue((0...100).contains(accuracy))
                // The re-training's own files: 2 epochs (the final protocol), scored on the test split.
                let index = run["answer_index"] as! Int
                let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf:
                    studyDir.appendingPathComponent("final/\(index)-seed0/metrics.json"))) as! [String: Any]
                let history = (metrics["training"] as! [String: Any])["history"] as! [Any]
                XCTAssertEqual(history.count, 2)
                let result = try JSONSerialization.jsonObject(with: Data(contentsOf:
                    studyDir.appendingPathComponent("final/\(index)-seed0/result.json"))) as! [String: Any]
                XCTAssertEqual(result["schema_version"] as? Int, 2)
                XCTAssertNotNil((result["metrics"] as? [String: Any])?["test_accuracy"])
            }
            let summary = arm["summary"] as! [String: [String: Any]]
            let mean = try XCTUnwrap(summary["test_accuracy"]?["mean"] as? Double)
            let values = (arm["runs"] as! [[String: Any]]).map { ($0["final"] as! [String: Double])["test_accuracy"]! }
            XCTAssertEqual(mean, values.reduce(0, +) / 2, accuracy: 1e-9)
        }
        for file in ["index.html", "summary.md", "plots/final-accuracy-vs-msrs.svg", "plots/anytime-accuracy-seconds.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: studyDir.appendingPathComponent(file).path), file)
        }
        let report = try CLIRunner.run(["study", "report", studyDir.path])
        XCTAssertEqual(report.status, 0, report.stderr)
    }

    func testBadStudyFilesAndOptionsAreNamed() throws {
        try "base: base.yaml\nseeds: [0]\narms:\n  - name: a\n    set: [fitness.kind=penalti]\n"
            .write(to: workspace.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let bad = try CLIRunner.run(["study", "--config", workspace.appendingPathComponent("bad.yaml").path])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("bad.yaml:5:") && bad.stderr.contains("arms[0].set[0]"), bad.stderr)
        let storage = try CLIRunner.run(["study", "--config", workspace.appendingPathComponent("study.yaml").path,
                                         "--storage", "postgres://localhost/x"])
        XCTAssertNotEqual(storage.status, 0)
        XCTAssertTrue(storage.stderr.contains("names no user"), storage.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: studyDir.path), "nothing written for a bad --storage")
        let none = try CLIRunner.run(["study", "status", workspace.path])
        XCTAssertNotEqual(none.status, 0)
        XCTAssertTrue(none.stderr.contains("holds no study"), none.stderr)
    }
}
