import Foundation
import XCTest

/// A run directory written before snake_case keys (schema 1: Tests/Fixtures/legacy-run-v1, made by
/// `rednas search --config Tests/Fixtures/legacy-run-v1.yaml` of the code of 2026-12-07, in a
/// folder holding `data` from `rednas data synth --out data --train 160 --test 32 --classes 3
/// --seed 5`) still resumes, reports and exports, and `rednas migrate` rewrites it safely.
final class LegacyRunTests: XCTestCase {
    private var workspace: URL!
    private var fixture: URL { URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Tests/Fixtures/legacy-run-v1") }

    override func setUpWithError() throws {
        workspace = FileManager.default.temporaryDirectory.appendingPathComponent("legacy-\(UUID())")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        // The run's config names `data` relative to the working folder.
        let synth = try CLIRunner.run(["data", "synth", "--out", "data", "--train", "160", "--test", "32", "--classes", "3", "--seed", "5"],
                                      in: workspace)
        XCTAssertEqual(synth.status, 0, synth.stderr)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: workspace) }

    private func copy(_ name: String) throws -> URL {
        let run = workspace.appendingPathComponent(name)
        try FileManager.default.copyItem(at: fixture, to: run)
        return run
    }

    private func run(_ args: [String]) throws -> CLIRunner.Result { try CLIRunner.run(args, in: workspace) }

    private func lines(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    private func object(_ line: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    /// number, arch, seed, valid accuracy and normalised MSRS of each record, whatever the key style.
    private func essentials(_ journal: URL) throws -> [String] {
        try lines(journal).dropFirst().map { line in
            let o = try object(line)
            let m = try XCTUnwrap(o["metrics"] as? [String: Any])
            return "\(o["number"]!) \(o["arch"]!) \(o["seed"]!) \(m["validAccuracy"] ?? m["valid_accuracy"]!) "
                + "\(m["msrsNormalized"] ?? m["msrs_normalized"] ?? "-")"
        }
    }

    func testTheFixtureIsInTheOldFormat() throws {
        let journal = try lines(fixture.appendingPathComponent("journal.jsonl"))
        XCTAssertTrue(journal[0].contains("\"legacyRecords\":0"))
        XCTAssertFalse(journal[0].contains("schema_version"))
        XCTAssertTrue(journal[1].contains("\"validAccuracy\"") && journal[1].contains("\"reusedFrom\"") == false)
        XCTAssertTrue(journal[3].contains("\"reusedFrom\":1"))
    }

    func testAnOldRunReportsExportsAndResumesAsItIs() throws {
        let old = try copy("old")
        let status = try run(["status", old.path, "--json"])
        XCTAssertEqual(status.status, 0, status.stderr)
        let s = try object(status.stdout)
        XCTAssertEqual(s["done"] as? Int, 3)
        XCTAssertEqual((s["best"] as? [String: Any])?["number"] as? Int, 0)
        XCTAssertEqual((s["best"] as? [String: Any])?["msrs_normalized"] as? Double, 0.6724636194154072)
        let export = try run(["export", old.path])
        XCTAssertEqual(export.status, 0, export.stderr)
        let e = try object(export.stdout)
        XCTAssertEqual(e["valid_accuracy"] as? Double, 68.75)
        XCTAssertEqual(e["msrs_normalized"] as? Double, 0.6724636194154072)
        // The old weights carry no normalisation: the export resolves it as training did (CIFAR-10's constants).
        let mean = try XCTUnwrap((e["normalization"] as? [String: Any])?["mean"] as? [Double])
        XCTAssertEqual(mean.count, 3)
        XCTAssertEqual(mean[0], Double(Float(125.3 / 255)), accuracy: 1e-7)
        let report = try run(["report", old.path])
        XCTAssertEqual(report.status, 0, report.stderr)

        let before = try essentials(old.appendingPathComponent("journal.jsonl"))
        let resumed = try run(["resume", old.path, "--quiet", "--set", "search.budget.evaluations=4"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        // Resume upgraded the journal first (so new records never follow old-style ones), keeping
        // the original and every recorded value.
        let journal = try lines(old.appendingPathComponent("journal.jsonl"))
        XCTAssertEqual(journal.count, 5)
        XCTAssertEqual(try object(journal[0])["schema_version"] as? Int, 2)
        XCTAssertFalse(journal.joined().contains("validAccuracy"))
        XCTAssertEqual(Array(try essentials(old.appendingPathComponent("journal.jsonl")).prefix(3)), before)
        XCTAssertEqual(try Data(contentsOf: old.appendingPathComponent("backup-schema1/journal.jsonl")),
                       try Data(contentsOf: fixture.appendingPathComponent("journal.jsonl")))
        XCTAssertTrue(try String(contentsOf: old.appendingPathComponent("search.log"), encoding: .utf8).contains("rewrote journal.jsonl in schema 2"))
        let after = try run(["status", old.path, "--json"])
        XCTAssertEqual(try object(after.stdout)["done"] as? Int, 4, after.stderr)
    }

    func testMigrateRewritesEveryFileKeepsABackupAndStaysVerifiable() throws {
        let old = try copy("old")
        let before = try essentials(old.appendingPathComponent("journal.jsonl"))
        let migrated = try run(["migrate", old.path])
        XCTAssertEqual(migrated.status, 0, migrated.stderr)
        for file in ["journal.jsonl", "state.json", "status.json", "candidates/0000-01554/metrics.json",
                     "candidates/0000-01554/msrs.json", "candidates/0001-05078/metrics.json", "candidates/0001-05078/msrs.json"] {
            XCTAssertTrue(migrated.stdout.contains("rewrote \(file)"), migrated.stdout)
            XCTAssertEqual(try Data(contentsOf: old.appendingPathComponent("backup-schema1").appendingPathComponent(file)),
                           try Data(contentsOf: fixture.appendingPathComponent(file)), "backup of \(file)")
            let text = try String(contentsOf: old.appendingPathComponent(file), encoding: .utf8)
            XCTAssertNil(text.range(of: #""[a-z]+[A-Z][A-Za-z]*":"#, options: .regularExpression), "\(file) still has camelCase keys")
        }
        XCTAssertEqual(try essentials(old.appendingPathComponent("journal.jsonl")), before)
        let header = try object(try lines(old.appendingPathComponent("journal.jsonl"))[0])
        XCTAssertEqual(header["schema_version"] as? Int, 2)
        XCTAssertEqual(header["legacy_records"] as? Int, 0)
        XCTAssertEqual(header["fingerprint"] as? String, "c4f5c34216ec3470f7dd82b52c5b40b752d78a162a3117df6119576617e315c0")
        // Every line carries a checksum over its new bytes: status (strict) verifies them all, and
        // an edit is still caught.
        let status = try run(["status", old.path, "--json"])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertEqual((try object(status.stdout)["best"] as? [String: Any])?["valid_accuracy"] as? Double, 68.75)
        var edited = try lines(old.appendingPathComponent("journal.jsonl"))
        edited[2] = edited[2].replacingOccurrences(of: "\"valid_accuracy\":31.25", with: "\"valid_accuracy\":99.25")
        XCTAssertNotEqual(edited, try lines(old.appendingPathComponent("journal.jsonl")))
        let copyRun = workspace.appendingPathComponent("edited")
        try FileManager.default.copyItem(at: old, to: copyRun)
        try (edited.joined(separator: "\n") + "\n").write(to: copyRun.appendingPathComponent("journal.jsonl"), atomically: true, encoding: .utf8)
        let refused = try run(["status", copyRun.path])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("line 3 (record #1) fails its checksum"), refused.stderr)

        let again = try run(["migrate", old.path])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("nothing to do"), again.stdout)
        let resumed = try run(["resume", old.path, "--quiet", "--set", "search.budget.evaluations=4"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
    }

    func testMigrateRefusesAnEditedOldJournalAndChangesNothing() throws {
        let old = try copy("old")
        var journal = try lines(old.appendingPathComponent("journal.jsonl"))
        journal[1] = journal[1].replacingOccurrences(of: "\"validAccuracy\":68.75", with: "\"validAccuracy\":98.75")
        let edited = journal.joined(separator: "\n") + "\n"
        try edited.write(to: old.appendingPathComponent("journal.jsonl"), atomically: true, encoding: .utf8)
        let migrated = try run(["migrate", old.path])
        XCTAssertNotEqual(migrated.status, 0)
        XCTAssertTrue(migrated.stderr.contains("line 2 (record #0) fails its checksum"), migrated.stderr)
        XCTAssertEqual(try String(contentsOf: old.appendingPathComponent("journal.jsonl"), encoding: .utf8), edited)
        XCTAssertFalse(FileManager.default.fileExists(atPath: old.appendingPathComponent("backup-schema1").path))
    }
}
