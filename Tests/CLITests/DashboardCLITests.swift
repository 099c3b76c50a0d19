import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// `rednas data synth-run`, `rednas report` (one and several runs) and `rednas serve`, run as a user would.
final class DashboardCLITests: XCTestCase {
    private func temporaryFolder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func synthRun(_ url: URL, candidates: Int) throws {
        let result = try CLIRunner.run(["data", "synth-run", "--out", url.path, "--candidates", "\(candidates)"])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    private func pageCount(_ folder: URL) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("pages").path).count) ?? 0
    }

    func testReportOfASynthesizedRunWritesTheTableAndDetailsPages() throws {
        let base = try temporaryFolder("cli-dash")
        let run = base.appendingPathComponent("run")
        try synthRun(run, candidates: 12)
        XCTAssertEqual(try CLIRunner.run(["report", run.path, "--details", "5"]).status, 0)
        let folder = run.appendingPathComponent("report")
        let html = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("id=\"cand-table\" data-total=\"12\""))
        XCTAssertEqual(pageCount(folder), 5)
        for file in ["learning-curves.svg", "timeline.svg", "accuracy-vs-params.svg", "accuracy-vs-flops.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), file)
        }
        XCTAssertEqual(try CLIRunner.run(["report", run.path, "--details", "all", "--output", base.appendingPathComponent("all").path]).status, 0)
        XCTAssertEqual(pageCount(base.appendingPathComponent("all")), 12)

        let bad = try CLIRunner.run(["report", run.path, "--details", "some"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--details must be a number of candidates (0 or more) or 'all', found 'some'"), bad.stderr)

        // Two runs: a comparison page linking each run's report.
        let other = base.appendingPathComponent("other")
        try synthRun(other, candidates: 7)
        XCTAssertNotEqual(try CLIRunner.run(["report", run.path, other.path]).status, 0, "several runs need --output")
        let compare = base.appendingPathComponent("compare")
        let result = try CLIRunner.run(["report", run.path, other.path, "--out", compare.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let page = try String(contentsOf: compare.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("href=\"1-run/index.html\"") && page.contains("href=\"2-other/index.html\""), page)
        XCTAssertTrue(FileManager.default.fileExists(atPath: compare.appendingPathComponent("2-other/index.html").path))
    }

    /// A running `rednas serve` child; terminated (by its own handle) when the test ends.
    private final class Server {
        let process = Process()
        let output = Pipe()
        var port = 0

        init(_ args: [String]) throws {
            process.executableURL = CLIRunner.executable
            process.arguments = args
            process.standardOutput = output
            process.standardError = Pipe()
            try process.run()
        }

        /// Waits for the "serving … at http://127.0.0.1:PORT/" line.
        func waitForPort() throws -> Int {
            var text = ""
            let deadline = Date().addingTimeInterval(120)
            while Date() < deadline && process.isRunning {
                let data = output.fileHandleForReading.availableData
                text += String(decoding: data, as: UTF8.self)
                if let range = text.range(of: "http://127.0.0.1:"), let end = text[range.upperBound...].firstIndex(of: "/") {
                    port = Int(text[range.upperBound..<end]) ?? 0
                    return port
                }
            }
            throw NSError(domain: "serve", code: 1, userInfo: [NSLocalizedDescriptionKey: "no port line: \(text)"])
        }

        deinit { if process.isRunning { process.terminate(); process.waitUntilExit() } }
    }

    /// Written by the URLSession callback, read after the semaphore.
    private final class Answer: @unchecked Sendable {
        var status = 0
        var body = ""
    }

    private func get(_ port: Int, _ path: String) throws -> (status: Int, body: String) {
        let url = try XCTUnwrap(URL(string: "http://127.0.0.1:\(port)\(path)"))
        let done = DispatchSemaphore(value: 0)
        let answer = Answer()
        URLSession.shared.dataTask(with: url) { data, response, _ in
            answer.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            answer.body = data.map { String(decoding: $0, as: UTF8.self) } ?? ""
            done.signal()
        }.resume()
        XCTAssertEqual(done.wait(timeout: .now() + 120), .success, path)
        return (answer.status, answer.body)
    }

    func testServeAnswersAndRefreshesAfterANewJournalRecord() throws {
        let run = try temporaryFolder("cli-serve").appendingPathComponent("run")
        try synthRun(run, candidates: 3)
        let server = try Server(["serve", run.path, "--port", "0"])
        let port = try server.waitForPort()

        let first = try get(port, "/")
        XCTAssertEqual(first.status, 200)
        XCTAssertTrue(first.body.contains("data-total=\"3\""))
        XCTAssertTrue(first.body.contains("name=\"rednas-stamp\""), "the served page polls for changes")
        let stamp = try get(port, "/stamp")
        XCTAssertEqual(stamp.status, 200)
        XCTAssertTrue(first.body.contains("content=\"\(stamp.body)\""))
        XCTAssertEqual(try get(port, "/stamp").body, stamp.body, "no change, same stamp")

        try synthRun(run, candidates: 5)   // the run goes on: two more journal records
        let changed = try get(port, "/stamp")
        XCTAssertNotEqual(changed.body, stamp.body)
        let second = try get(port, "/")
        XCTAssertTrue(second.body.contains("data-total=\"5\""), "regenerated after the new records")
        XCTAssertTrue(second.body.contains("content=\"\(changed.body)\""))

        // Details pages are made on request; nothing outside the report folder is served.
        let pages = run.appendingPathComponent("report/pages")
        let name = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: pages.path).sorted().last)
        try FileManager.default.removeItem(at: pages.appendingPathComponent(name))
        let page = try get(port, "/pages/\(name)")
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.body.contains("Candidate #"), page.body)
        XCTAssertEqual(try get(port, "/../config.yaml").status, 404)
        XCTAssertEqual(try get(port, "/pages/..%2F..%2Fconfig.yaml").status, 404)

        // The same port again: a clear error, not a crash.
        let busy = try CLIRunner.run(["serve", run.path, "--port", "\(port)"])
        XCTAssertNotEqual(busy.status, 0)
        XCTAssertTrue(busy.stderr.contains("port \(port) on 127.0.0.1 is already in use"), busy.stderr)
    }

    func testServeRefusesAFolderThatIsNotARun() throws {
        let folder = try temporaryFolder("cli-serve-notrun")
        let result = try CLIRunner.run(["serve", folder.path, "--port", "0"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("not a run directory"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("report").path))
    }
}
