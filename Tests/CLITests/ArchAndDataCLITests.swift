import Foundation
import XCTest

/// The `arch` and `data` commands as a user runs them: output, exit codes, error messages.
final class ArchAndDataCLITests: XCTestCase {
    func testArchJSONReportsTheBenchmarkCounts() throws {
        let r = try CLIRunner.run(["arch", "1462", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["index"] as? Int, 1462)
        XCTAssertEqual(json["params"] as? Int, 1_531_546)
        XCTAssertEqual(((json["flops"] as! Double) / 1e6 * 1e4).rounded() / 1e4, 220.1197)
        XCTAssertEqual(json["valid"] as? Bool, true)
    }

    func testArchAcceptsAStringAndRejectsBadInputClearly() throws {
        let ok = try CLIRunner.run(["arch", "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", "--json"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stdout.contains("\"index\" : 9930"), ok.stdout)
        let bad = try CLIRunner.run(["arch", "|none~0|+|nor_conv_5x5~0|none~1|+|none~0|none~1|none~2|"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("unknown operation \"nor_conv_5x5\""), bad.stderr)
        XCTAssertFalse(bad.stderr.contains("Fatal error"))
        let range = try CLIRunner.run(["arch", "15625"])
        XCTAssertNotEqual(range.status, 0)
        XCTAssertFalse(range.stderr.isEmpty)
    }

    func testDataInspectOnFashionMNIST() throws {
        let path = "/usr/share/datasets/fashion-mnist"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("Fashion-MNIST not installed") }
        let r = try CLIRunner.run(["data", "inspect", path, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("60000"), r.stdout)
        XCTAssertTrue(r.stdout.contains("10000"), r.stdout)
    }

    func testDataSynthWritesAReadableCIFARFolderAndBadPathsFail() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("synth-\(UUID())")
        let synth = try CLIRunner.run(["data", "synth", "--out", dir.path, "--train", "300", "--test", "100", "--seed", "3"])
        XCTAssertEqual(synth.status, 0, synth.stderr)
        let size = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("test_batch.bin").path)[.size] as! Int
        XCTAssertEqual(size, 100 * 3073)
        let inspect = try CLIRunner.run(["data", "inspect", dir.path, "--json"])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        XCTAssertTrue(inspect.stdout.contains("300"), inspect.stdout)
        let missing = try CLIRunner.run(["data", "inspect", "/nonexistent/data"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/data"), missing.stderr)
    }
}
