import Foundation
import XCTest

/// `rednas study --storage`: the study's searches live in a real PostgreSQL server (the one
/// scripts/postgres-test-server.sh starts), a `rednas worker --study` process joins them, and the
/// study directory ends up as a local study's would (runs copied in, finals, report).
final class PostgresStudyTests: XCTestCase {
    private var workspace: URL!

    override func setUpWithError() throws {
        workspace = FileManager.default.temporaryDirectory.appendingPathComponent("pg-study-\(UUID())")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: workspace) }

    func testAStudyInTheDatabaseWithAHelpingWorkerFinishesAndReports() throws {
        let server = try PostgresServer.require()
        // A name of its own: the database is shared by every test and CI run on this server.
        let name = "study-\(UUID().uuidString.prefix(8).lowercased())"
        try TinyStudy.write(in: workspace, directory: name)
        let studyDir = workspace.appendingPathComponent(name)
        let studyFile = workspace.appendingPathComponent("study.yaml").path
        // The password goes in the URL here: it must reach the children without showing anywhere.
        let withPassword = server.url(password: server.password)
        let study = try BackgroundRednas(["study", "--config", studyFile, "--storage", withPassword, "--workers", "2"],
                                         environment: [:], logs: workspace)
        // A worker on "another machine" joins the study's searches once the first one exists.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, study.process.isRunning,
              (try? server.query("SELECT count(*) FROM rednas_searches WHERE name LIKE '\(name).%'"))?.first ?? "0" == "0" {
            Thread.sleep(forTimeInterval: 0.1)
        }
        let helper = try BackgroundRednas(["worker", "--storage", server.url, "--study", name, "--threads", "1",
                                           "--quiet"], environment: server.environment, logs: workspace)
        XCTAssertEqual(study.wait(seconds: 300, "the study"), 0, study.stderr)
        XCTAssertEqual(helper.wait(seconds: 60, "the helping worker"), 0, helper.stderr)

        let searches = try server.query("SELECT name FROM rednas_searches WHERE name LIKE '\(name).%' ORDER BY name")
        XCTAssertEqual(searches, ["\(name).penalty.seed-0", "\(name).penalty.seed-1", "\(name).plain.seed-0", "\(name).plain.seed-1"])
        // Each search committed its 3 evaluations once, whoever ran them.
        let counts = try server.query("""
            SELECT count(*) FROM rednas_candidates WHERE search LIKE '\(name).%' AND status = 'done' GROUP BY search
            """)
        XCTAssertEqual(counts, ["3", "3", "3", "3"])

        // The runs were copied into the study directory: status, finals and the report read them.
        let status = try CLIRunner.run(["study", "status", studyDir.path])
        XCTAssertTrue(status.stdout.contains("4/4 searches finished, 0 failed"), status.stdout + status.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: studyDir.appendingPathComponent("study.json"))) as! [String: Any]
        for arm in json["arms"] as! [[String: Any]] {
            for run in arm["runs"] as! [[String: Any]] {
                XCTAssertNotNil(run["final"] as? [String: Double], "every answer re-trained")
            }
        }
        // The password is nowhere in what the study wrote.
        let files = FileManager.default.enumerator(at: studyDir, includingPropertiesForKeys: nil)!
        for case let file as URL in files {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            XCTAssertFalse(text.contains(server.password), "password in \(file.path)")
        }

        // The same command again finds everything done; without --storage the plan refuses.
        let again = try CLIRunner.run(["study", "--config", studyFile, "--storage", server.url],
                                      environment: server.environment)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("(4 finished)"), again.stdout)
        let local = try CLIRunner.run(["study", "--config", studyFile])
        XCTAssertNotEqual(local.status, 0)
        XCTAssertTrue(local.stderr.contains("storage --storage") && local.stderr.contains("run directories"), local.stderr)
    }
}
