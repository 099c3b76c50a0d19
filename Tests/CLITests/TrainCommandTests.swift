import Foundation
import XCTest

final class TrainCommandTests: XCTestCase {
    /// A tiny CIFAR-format dataset written by `rednas data synth`, and a config training on it.
    private func tinySetup() throws -> (folder: URL, config: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rednas-cli-train-\(UUID())")
        let data = folder.appendingPathComponent("data")
        let synth = try CLIRunner.run(["data", "synth", "--out", data.path, "--train", "300", "--test", "100", "--classes", "3"])
        XCTAssertEqual(synth.status, 0, synth.stderr)
        let config = folder.appendingPathComponent("train.yaml")
        try """
            dataset:
              kind: cifar10
              path: \(data.path)
              split: holdout
              valid_count: 50
            network:
              channels: 4
              cells: 1
            training:
              epochs: 1
              batch_size: 64
            seed: 3
            threads: 1
            """.write(to: config, atomically: true, encoding: .utf8)
        return (folder, config)
    }

    func testTrainsOneEpochAndWritesMetricsAndWeights() throws {
        let (folder, config) = try tinySetup()
        let out = folder.appendingPathComponent("run")
        let result = try CLIRunner.run(["train", "--config", config.path, "--arch", "9930", "--out", out.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("finished: \(out.path)/metrics.json"), result.stdout)
        XCTAssertTrue(result.stderr.contains("epoch 1/1"), result.stderr)
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("metrics.json"))) as! [String: Any]
        XCTAssertEqual(metrics["status"] as? String, "finished")
        XCTAssertEqual(metrics["index"] as? Int, 9930)
        XCTAssertEqual((metrics["history"] as? [Any])?.count, 1)
        let final = try XCTUnwrap(metrics["final"] as? [String: Any])
        XCTAssertNotNil(final["test_accuracy"] as? Double)
        XCTAssertNotNil(final["valid_accuracy"] as? Double)
        XCTAssertGreaterThan(metrics["params"] as? Int ?? 0, 0)
        // The machine it ran on: the same OpenBLAS core and kernels `bench --machine` reports.
        let compute = try XCTUnwrap(metrics["compute"] as? [String: Any])
        let machine = try XCTUnwrap(JSONSerialization.jsonObject(
            with: Data(try CLIRunner.run(["bench", "--machine", "--json"]).stdout.utf8)) as? [String: Any])
        XCTAssertEqual(compute["openblas_core"] as? String, machine["openblas_core"] as? String)
        XCTAssertEqual(compute["kernels"] as? String, machine["kernels"] as? String)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("weights.safetensors").path))
        XCTAssertTrue(try String(contentsOf: out.appendingPathComponent("train.log"), encoding: .utf8).contains("epoch 1/1"))

        // The same folder again without --resume is refused; with --resume it has nothing left to do.
        let again = try CLIRunner.run(["train", "--config", config.path, "--arch", "9930", "--out", out.path])
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("already holds a training checkpoint"), again.stderr)
        let resumed = try CLIRunner.run(["train", "--config", config.path, "--arch", "9930", "--out", out.path, "--resume", "--quiet"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(resumed.stderr, "")
    }

    func testBadArchitectureAndMissingDataExitNonZeroWithAMessage() throws {
        let (folder, config) = try tinySetup()
        let bad = try CLIRunner.run(["train", "--config", config.path, "--arch", "15625", "--out", folder.appendingPathComponent("x").path])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("15625"), bad.stderr)
        XCTAssertFalse(bad.stderr.contains("Fatal error"), bad.stderr)
        let typo = try CLIRunner.run(["train", "--config", config.path, "--arch", "|nor_conv_3x3~0|+|bogus~0|none~1|+|none~0|none~1|none~2|"])
        XCTAssertNotEqual(typo.status, 0)
        XCTAssertTrue(typo.stderr.contains("bogus"), typo.stderr)
        let missing = try CLIRunner.run(["train", "--config", config.path, "--arch", "1", "--set", "dataset.path=/nonexistent/data"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/data"), missing.stderr)
    }
}
