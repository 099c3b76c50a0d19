import Foundation
import XCTest

final class PruneCommandTests: XCTestCase {
    /// A tiny synthetic dataset, a network (C 4, 2 cells per stage = 6 normal cells) trained one
    /// epoch by `rednas train`, and a search config over the same data.
    private static let setup: (folder: URL, weights: URL, config: URL) = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rednas-cli-prune-\(UUID())")
        let data = folder.appendingPathComponent("data")
        let synth = try! CLIRunner.run(["data", "synth", "--out", data.path, "--train", "300", "--test", "100", "--classes", "3"])
        precondition(synth.status == 0, synth.stderr)
        let sections = """
            dataset:
              kind: cifar10
              path: \(data.path)
              split: holdout
              valid_count: 60
            network:
              channels: 4
              cells: 2
            training:
              epochs: 1
              batch_size: 64
            seed: 3
            threads: 1
            """
        let trainConfig = folder.appendingPathComponent("train.yaml")
        try! sections.write(to: trainConfig, atomically: true, encoding: .utf8)
        let config = folder.appendingPathComponent("search.yaml")
        try! (sections + "\nmsrs:\n  batches: 2\n  batch_size: 30\n").write(to: config, atomically: true, encoding: .utf8)
        let run = folder.appendingPathComponent("trained")
        let train = try! CLIRunner.run(["train", "--config", trainConfig.path, "--arch", "9930", "--out", run.path, "--quiet"])
        precondition(train.status == 0, train.stderr)
        return (folder, run.appendingPathComponent("weights.safetensors"), config)
    }()

    func testPrunesFineTunesAndWritesReportAndLoadableWeights() throws {
        let (folder, weights, config) = Self.setup
        let out = folder.appendingPathComponent("pruned-\(UUID())")
        let result = try CLIRunner.run(["prune", "--arch", "9930", "--weights", weights.path, "--config", config.path,
                                        "--keep", "3", "--out", out.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("kept 3 of 6 normal cells"), result.stdout)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("prune.json"))) as! [String: Any]
        for key in ["arch", "index", "keep", "cell_count", "kept", "removed", "before", "pruned", "after", "finetune_epochs", "finetune"] {
            XCTAssertNotNil(report[key], key)
        }
        XCTAssertEqual(report["finetune_epochs"] as? Int, 1)
        XCTAssertEqual((report["finetune"] as? [Any])?.count, 1)
        let kept = try XCTUnwrap(report["kept"] as? [[String: Any]])
        let removed = try XCTUnwrap(report["removed"] as? [[String: Any]])
        XCTAssertEqual(kept.count, 3)
        XCTAssertEqual(removed.count, 3)
        let keptSimilarities = kept.compactMap { $0["similarity"] as? Double }
        let removedSimilarities = removed.compactMap { $0["similarity"] as? Double }
        XCTAssertEqual(keptSimilarities.count, 3)
        XCTAssertLessThanOrEqual(keptSimilarities.max()!, removedSimilarities.min()!, "the lowest-similarity cells are kept")
        XCTAssertEqual(Set((kept + removed).compactMap { $0["body_index"] as? Int }), [0, 1, 3, 4, 6, 7])
        let before = try XCTUnwrap(report["before"] as? [String: Any])
        let after = try XCTUnwrap(report["after"] as? [String: Any])
        for key in ["params", "flops", "test_accuracy", "msrs", "msrs_normalized", "cells_per_stage", "layers"] {
            XCTAssertNotNil(before[key], key)
            XCTAssertNotNil(after[key], key)
        }
        XCTAssertEqual(before["layers"] as? Int, 9)
        XCTAssertEqual(after["layers"] as? Int, 6)
        XCTAssertEqual((after["cells_per_stage"] as? [Int])?.reduce(0, +), 3)
        XCTAssertLessThan(after["params"] as! Int, before["params"] as! Int)
        XCTAssertLessThan(after["flops"] as! Int, before["flops"] as! Int)

        // The pruned weights rebuild from their metadata: `rednas msrs` measures them.
        let msrs = try CLIRunner.run(["msrs", "--weights", out.appendingPathComponent("weights.safetensors").path,
                                      "--config", config.path, "--json"])
        XCTAssertEqual(msrs.status, 0, msrs.stderr)
        let measured = try JSONSerialization.jsonObject(with: Data(msrs.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(measured["layers"] as? Int, 6)
    }

    func testRatioAndNoFineTuningPrintJSON() throws {
        let (folder, weights, config) = Self.setup
        let out = folder.appendingPathComponent("pruned-\(UUID())")
        let result = try CLIRunner.run(["prune", "--weights", weights.path, "--config", config.path, "--ratio", "0.5",
                                        "--finetune-epochs", "0", "--out", out.path, "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(report["keep"] as? Int, 3)
        XCTAssertEqual((report["finetune"] as? [Any])?.count, 0)
        // Without fine-tuning the final network is the pruned one.
        let pruned = try XCTUnwrap(report["pruned"] as? [String: Any])
        let after = try XCTUnwrap(report["after"] as? [String: Any])
        XCTAssertEqual(pruned["test_accuracy"] as? Double, after["test_accuracy"] as? Double)
        XCTAssertEqual(pruned["msrs"] as? Double, after["msrs"] as? Double)
    }

    /// An earlier result in the output folder is kept unless --overwrite is given; --finetune-lr
    /// sets the fine-tuning's learning rate (the epoch history records it).
    func testKeepsAnEarlierResultUnlessOverwriteAndTakesAFineTuneLR() throws {
        let (folder, weights, config) = Self.setup
        let out = folder.appendingPathComponent("pruned-\(UUID())")
        let args = ["prune", "--weights", weights.path, "--config", config.path, "--keep", "2", "--out", out.path,
                    "--finetune-lr", "0.0125", "--json"]
        let first = try CLIRunner.run(args)
        XCTAssertEqual(first.status, 0, first.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as! [String: Any]
        let epoch = try XCTUnwrap((report["finetune"] as? [[String: Any]])?.first)
        XCTAssertEqual(try XCTUnwrap(epoch["learning_rate"] as? Double), 0.0125, accuracy: 1e-8, "\(epoch)")  // Float32 in the optimiser
        let written = try Data(contentsOf: out.appendingPathComponent("prune.json"))

        let again = try CLIRunner.run(args)
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("already holds an earlier prune (prune.json, weights.safetensors)"), again.stderr)
        XCTAssertTrue(again.stderr.contains("--overwrite"), again.stderr)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("prune.json")), written, "the earlier result is untouched")

        let replaced = try CLIRunner.run(args + ["--overwrite", "--finetune-epochs", "0"])
        XCTAssertEqual(replaced.status, 0, replaced.stderr)
        let newReport = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("prune.json"))) as! [String: Any]
        XCTAssertEqual(newReport["finetune_epochs"] as? Int, 0)

        let badLR = try CLIRunner.run(["prune", "--weights", weights.path, "--config", config.path, "--keep", "2",
                                       "--out", folder.appendingPathComponent("bad-\(UUID())").path, "--finetune-lr", "0"])
        XCTAssertNotEqual(badLR.status, 0)
        XCTAssertTrue(badLR.stderr.contains("--finetune-lr must be a positive number"), badLR.stderr)
    }

    func testBadKeepAndRatioExitNonZeroWithAMessage() throws {
        let (folder, weights, config) = Self.setup
        func prune(_ extra: [String]) throws -> CLIRunner.Result {
            try CLIRunner.run(["prune", "--weights", weights.path, "--config", config.path,
                               "--out", folder.appendingPathComponent("bad-\(UUID())").path] + extra)
        }
        let cases: [([String], String)] = [
            (["--keep", "7"], "the network has 6 normal cells, so --keep must be between 0 and 6"),
            (["--keep=-1"], "--keep must be ≥ 0"),
            (["--ratio", "0"], "--ratio must be in (0, 1]"),
            (["--ratio", "1.5"], "--ratio must be in (0, 1]"),
            ([], "give --keep K"),
            (["--keep", "2", "--ratio", "0.5"], "not both"),
            (["--keep", "2", "--arch", "1"], "not the requested"),
        ]
        for (args, message) in cases {
            let r = try prune(args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr)
        }
    }
}
