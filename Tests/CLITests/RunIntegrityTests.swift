import Foundation
import XCTest

/// Issue 21, run-directory integrity: a real run directory tampered with the way the issue
/// describes, and the exact refusal (file, record, what differs, what to do).
final class RunIntegrityTests: XCTestCase {
    /// Built once: a finished 3-evaluation run (2 epochs) and a run of another config (1 epoch),
    /// same seed. Each test works on its own copy.
    nonisolated(unsafe) private static var fixtures: URL?
    private var workspace: URL!

    private static func config(data: URL, epochs: Int) -> String {
        """
        dataset:
          kind: cifar10
          path: \(data.path)
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
          cache: false
          space: \(FileManager.default.currentDirectoryPath)/SearchSpaces/nats-tss.yaml
          budget:
            evaluations: 3
        fitness:
          kind: penalty
          lambda: 10
        seed: 3
        threads: 1
        """
    }

    private static func makeFixtures() throws -> URL {
        if let fixtures { return fixtures }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("integrity-fixtures-\(UUID())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let data = root.appendingPathComponent("data")
        let synth = try CLIRunner.run(["data", "synth", "--out", data.path, "--train", "320", "--test", "64",
                                       "--classes", "4", "--seed", "5"])
        guard synth.status == 0 else { throw NSError(domain: "fixture", code: 1, userInfo: [NSLocalizedDescriptionKey: synth.stderr]) }
        for (name, epochs) in [("two-epochs", 2), ("one-epoch", 1)] {
            let config = root.appendingPathComponent("\(name).yaml")
            try Self.config(data: data, epochs: epochs).write(to: config, atomically: true, encoding: .utf8)
            let run = try CLIRunner.run(["search", "--config", config.path, "--run-dir", root.appendingPathComponent(name).path, "--quiet"])
            guard run.status == 0 else { throw NSError(domain: "fixture", code: 2, userInfo: [NSLocalizedDescriptionKey: run.stderr]) }
        }
        fixtures = root
        return root
    }

    override class func tearDown() {
        if let fixtures { try? FileManager.default.removeItem(at: fixtures) }
        super.tearDown()
    }

    override func setUpWithError() throws {
        workspace = FileManager.default.temporaryDirectory.appendingPathComponent("integrity-\(UUID())")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: workspace) }

    /// A fresh copy of a fixture run.
    private func copy(_ name: String = "two-epochs") throws -> URL {
        let target = workspace.appendingPathComponent(name)
        try FileManager.default.copyItem(at: try Self.makeFixtures().appendingPathComponent(name), to: target)
        return target
    }

    private func lines(_ run: URL) throws -> [String] {
        try String(contentsOf: run.appendingPathComponent("journal.jsonl"), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    private func write(_ lines: [String], to run: URL) throws {
        try (lines.joined(separator: "\n") + "\n").write(to: run.appendingPathComponent("journal.jsonl"), atomically: true, encoding: .utf8)
    }

    private func assertRefused(_ args: [String], saying parts: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CLIRunner.run(args)
        XCTAssertNotEqual(result.status, 0, "\(args) was accepted: \(result.stdout)", file: file, line: line)
        for part in parts { XCTAssertTrue(result.stderr.contains(part), "\(args): expected “\(part)” in: \(result.stderr)", file: file, line: line) }
    }

    func testAJournalOfAnotherConfigWithTheSameSeedIsRefused() throws {
        let run = try copy(), foreign = try copy("one-epoch")
        try FileManager.default.removeItem(at: run.appendingPathComponent("journal.jsonl"))
        try FileManager.default.copyItem(at: foreign.appendingPathComponent("journal.jsonl"), to: run.appendingPathComponent("journal.jsonl"))
        try FileManager.default.removeItem(at: run.appendingPathComponent("state.json"))
        let expected = ["journal.jsonl: this journal was written for another config or space", "config.yaml differs in training.epochs"]
        let before = try lines(run)
        try assertRefused(["resume", run.path, "--quiet", "--set", "search.budget.evaluations=4"], saying: expected)
        XCTAssertEqual(try lines(run), before, "nothing was appended")
        for command in ["status", "export"] { try assertRefused([command, run.path], saying: expected) }
        let report = try CLIRunner.run(["report", run.path])
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertTrue(report.stderr.contains("warning: journal: "), report.stderr)
        XCTAssertTrue(report.stderr.contains("training.epochs"), report.stderr)
    }

    func testAHandEditedConfigOrSpaceIsRefusedWithWhatDiffers() throws {
        let run = try copy()
        let configURL = run.appendingPathComponent("config.yaml")
        let config = try String(contentsOf: configURL, encoding: .utf8)
        XCTAssertTrue(config.contains("lr: 0.1\n"), config)
        try config.replacingOccurrences(of: "lr: 0.1\n", with: "lr: 0.2\n").write(to: configURL, atomically: true, encoding: .utf8)
        // A finished run whose budget grows: nothing may train at the edited lr.
        try assertRefused(["resume", run.path, "--quiet", "--set", "search.budget.evaluations=4"],
                          saying: ["config.yaml differs in training.lr", "restore the run's own files"])
        XCTAssertEqual(try lines(run).count, 4, "header + 3 records, nothing added")
        try assertRefused(["status", run.path], saying: ["training.lr"])
        try assertRefused(["export", run.path], saying: ["training.lr"])
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        XCTAssertEqual(try CLIRunner.run(["status", run.path]).status, 0, "restored: accepted again")

        let spaceURL = run.appendingPathComponent("space.yaml")
        let space = try String(contentsOf: spaceURL, encoding: .utf8)
        let edited = space.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("avg_pool_3x3") }.joined(separator: "\n")
        XCTAssertNotEqual(edited, space)
        try edited.write(to: spaceURL, atomically: true, encoding: .utf8)
        try assertRefused(["resume", run.path, "--quiet", "--set", "search.budget.evaluations=4"],
                          saying: ["space.yaml differs: operations [", "avg_pool_3x3] → ["])
        try assertRefused(["status", run.path], saying: ["space.yaml differs"])
    }

    func testEveryBudgetKeyMayOnlyGrow() throws {
        let run = try copy()
        try assertRefused(["resume", run.path, "--quiet", "--set", "search.budget.seconds=5"],
                          saying: ["config.yaml: this would shrink the run's budget: search.budget.seconds unlimited → 5.0",
                                   "the budget may grow, not shrink"])
        try assertRefused(["resume", run.path, "--quiet", "--set", "search.budget.evaluations=2"],
                          saying: ["search.budget.evaluations 3 → 2"])
        XCTAssertEqual(try lines(run).count, 4)
        XCTAssertTrue(try String(contentsOf: run.appendingPathComponent("config.yaml"), encoding: .utf8).contains("evaluations: 3"))
    }

    func testAMissingOrEmptyJournalNextToRecordedWorkIsRefusedNotRestarted() throws {
        for emptied in [false, true] {
            let run = try copy()
            defer { try? FileManager.default.removeItem(at: run) }
            let journal = run.appendingPathComponent("journal.jsonl")
            if emptied { try Data().write(to: journal) } else { try FileManager.default.removeItem(at: journal) }
            let candidates = try FileManager.default.contentsOfDirectory(atPath: run.appendingPathComponent("candidates").path).sorted()
            XCTAssertEqual(candidates.count, 3)
            let state = emptied ? "the journal is empty" : "the journal is missing"
            try assertRefused(["resume", run.path, "--quiet"],
                              saying: ["journal.jsonl: \(state), but the state checkpoint records 3 evaluations",
                                       "finished candidate #2 is stored", "will not be restarted over its recorded work"])
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: run.appendingPathComponent("candidates").path).sorted(),
                           candidates)
            XCTAssertEqual(emptied ? try Data(contentsOf: journal).count : nil, emptied ? 0 : nil, "the journal was not rewritten")
            try assertRefused(["status", run.path], saying: [state])
            // Without state.json the candidate folders still prove the loss.
            try FileManager.default.removeItem(at: run.appendingPathComponent("state.json"))
            try assertRefused(["resume", run.path, "--quiet"], saying: ["finished candidate #2 is stored"])
        }
    }

    func testExportWithoutTheBestWeightsIsAnErrorUnlessAllowed() throws {
        let run = try copy()
        let export = try CLIRunner.run(["export", run.path])
        XCTAssertEqual(export.status, 0, export.stderr)
        let weights = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any])?["weights"] as? String)
        try FileManager.default.removeItem(atPath: weights)
        try assertRefused(["export", run.path], saying: ["\(weights): the weights of the best candidate", "--allow-missing-weights"])
        let allowed = try CLIRunner.run(["export", run.path, "--allow-missing-weights"])
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        XCTAssertNil((try JSONSerialization.jsonObject(with: Data(allowed.stdout.utf8)) as? [String: Any])?["weights"])

        try FileManager.default.removeItem(at: run.appendingPathComponent("candidates"))
        try assertRefused(["export", run.path], saying: ["weights of the best candidate", "are missing"])
    }

    func testStatusAndExportApplyResumesJournalValidationAndReportWarns() throws {
        let original = try lines(try copy())
        // Duplicated line ("4/3"), a removed middle line (a gap), a removed last line ("2/3").
        let cases: [(String, [String], String)] = [
            ("duplicated", original + [original[3]], "line 5 holds evaluation #2 where #3 was expected (a duplicate of an earlier record)"),
            ("gap", [original[0], original[1], original[3]], "line 3 holds evaluation #2 where #1 was expected (a gap: evaluation #1 is missing)"),
            ("truncated", Array(original.dropLast()), "the journal holds only 2 evaluation(s), but the state checkpoint records 3 evaluations"),
        ]
        for (name, edited, message) in cases {
            let run = workspace.appendingPathComponent(name)
            try FileManager.default.copyItem(at: try Self.makeFixtures().appendingPathComponent("two-epochs"), to: run)
            try write(edited, to: run)
            for command in [["resume", run.path, "--quiet", "--set", "search.budget.evaluations=5"], ["status", run.path],
                            ["export", run.path]] {
                try assertRefused(command, saying: [run.appendingPathComponent("journal.jsonl").path + ": ", message])
            }
            let report = try CLIRunner.run(["report", run.path])
            XCTAssertEqual(report.status, 0, report.stderr)
            XCTAssertTrue(report.stderr.contains("warning: journal: ") && report.stderr.contains(message), "\(name): \(report.stderr)")
        }
    }

    func testAnEditedJournalValueOrAChangedWeightsFloatIsRefused() throws {
        let run = try copy()
        var edited = try lines(run)
        let value = try XCTUnwrap(edited[2].range(of: #""valid_accuracy":[0-9.]+"#, options: .regularExpression))
        edited[2].replaceSubrange(value, with: "\"valid_accuracy\":99.9")
        try write(edited, to: run)
        for command in [["resume", run.path, "--quiet", "--set", "search.budget.evaluations=4"], ["status", run.path], ["export", run.path]] {
            try assertRefused(command, saying: ["journal.jsonl: line 3 (record #1) fails its checksum", "restore the journal from a backup"])
        }

        let clean = try copy("one-epoch")
        let export = try CLIRunner.run(["export", clean.path])
        XCTAssertEqual(export.status, 0, export.stderr)
        let weights = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any])?["weights"] as? String)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: weights))
        bytes[bytes.count - 100] ^= 0x10
        try bytes.write(to: URL(fileURLWithPath: weights))
        try assertRefused(["export", clean.path], saying: ["\(weights): the tensor data fails its checksum"])
    }

    /// Migration: a run directory from before fingerprints and checksums (no header line, plain
    /// journal lines) is read by status and resumed; the first resume records the fingerprint.
    func testARunFromBeforeFingerprintsStillLoadsAndIsMigratedOnResume() throws {
        let run = try copy()
        let current = try lines(run)
        let legacy = current.dropFirst().map { $0.replacingOccurrences(of: #","crc32c":"[0-9a-f]{8}"\}$"#, with: "}", options: .regularExpression) }
        XCTAssertFalse(legacy.joined().contains("crc32c"))
        try write(Array(legacy), to: run)
        let status = try CLIRunner.run(["status", run.path, "--json"])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stderr.contains("a run from before fingerprints and checksums"), status.stderr)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["done"] as? Int, 3)

        let resumed = try CLIRunner.run(["resume", run.path, "--quiet", "--set", "search.budget.evaluations=4"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let after = try lines(run)
        XCTAssertEqual(after.count, 5)
        let header = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(after[0].utf8)) as? [String: Any])
        let original = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(current[0].utf8)) as? [String: Any])
        XCTAssertEqual(header["fingerprint"] as? String, original["fingerprint"] as? String,
                       "the fingerprint recorded on migration is the one the run was created with")
        XCTAssertEqual(header["legacy_records"] as? Int, 3)
        XCTAssertEqual(original["legacy_records"] as? Int, 0)
        XCTAssertEqual(Array(after[1...3]), Array(legacy), "the old records keep their bytes")
        XCTAssertTrue(after[4].contains("\"crc32c\":\""))
        XCTAssertEqual(try CLIRunner.run(["status", run.path]).status, 0)
    }
}
