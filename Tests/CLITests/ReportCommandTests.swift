import Foundation
import XCTest

/// `rednas report` on run directories written in the real file formats (by hand, as a user's run would be).
final class ReportCommandTests: XCTestCase {
    private func temporaryFolder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func record(number: Int, arch: String, index: Int, valid: Double, msrs: Double?) -> String {
        let m = msrs.map { String($0) } ?? "null"
        return """
            {"arch":"\(arch)","canonical":"\(arch)","finishedAt":"2025-01-01T00:0\(number):00Z",\
            "index":\(index),"metrics":{"epochs":12,"flops":1000000,"msrs":\(msrs.map { String($0 * 153) } ?? "null"),\
            "msrsNormalized":\(m),"msrsSeconds":1,"params":50000,"testAccuracy":\(valid - 1),"trainSeconds":60,\
            "validAccuracy":\(valid)},"number":\(number),"result":{"normalizedMSRS":\(m),"status":"completed",\
            "testAccuracy":\(valid - 1),"validAccuracy":\(valid)},"seconds":61,"seed":\(1000 + number)}
            """
    }

    func testReportOnARunDirectoryWritesThePage() throws {
        let run = try temporaryFolder("cli-run")
        try "seed: 1\nsearch:\n  budget:\n    evaluations: 3\nfitness:\n  kind: penalty\n  lambda: 10\n"
            .write(to: run.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
        let best = "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|"
        let lines = [
            record(number: 0, arch: "|none~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|none~1|skip_connect~2|", index: 1234,
                   valid: 61.5, msrs: 0.8),
            record(number: 1, arch: best, index: 9999, valid: 90.25, msrs: 0.3),
        ]
        try (lines.joined(separator: "\n") + "\n").write(to: run.appendingPathComponent("journal.jsonl"),
                                                         atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["report", run.path, "--top", "5"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("2/3 evaluations"), result.stdout)
        XCTAssertTrue(result.stdout.contains("best: #1 index 9999 valid 90.25%"), result.stdout)
        let html = try String(contentsOf: run.appendingPathComponent("report/index.html"), encoding: .utf8)
        XCTAssertTrue(html.contains(best))
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("report/summary.md").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("report/accuracy-vs-msrs.svg").path))

        let elsewhere = try temporaryFolder("cli-out")
        XCTAssertEqual(try CLIRunner.run(["report", run.path, "--output", elsewhere.path]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("index.html").path))
    }

    func testANonRunDirectoryFailsWithAClearMessage() throws {
        let folder = try temporaryFolder("cli-notrun")
        let result = try CLIRunner.run(["report", folder.path])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("not a run directory (no config.yaml)"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("report").path))

        let bad = try CLIRunner.run(["report", folder.path, "--top", "0"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--top must be at least 1"), bad.stderr)
    }
}
