import Foundation
import XCTest

/// The tiny real search of the CLI tests: a synthetic 4-class CIFAR-format dataset in
/// `workspace/data` and configs over it (2-channel one-cell networks, batches of 64, one MSRS
/// batch), each test adding its own search section.
enum TinySearch {
    /// Writes the dataset: `train` training and 64 test images, 4 classes, seed 5.
    static func synthesizeData(in workspace: URL, train: Int) throws {
        let synth = try CLIRunner.run(["data", "synth", "--out", workspace.appendingPathComponent("data").path,
                                       "--train", String(train), "--test", "64", "--classes", "4", "--seed", "5"])
        XCTAssertEqual(synth.status, 0, synth.stderr)
    }

    /// The dataset (64 validation images held out), network, training (`epochs`) and MSRS
    /// sections over `workspace/data`, followed by `rest` (top-level YAML).
    static func config(in workspace: URL, epochs: Int, _ rest: String) -> String {
        """
        dataset:
          kind: cifar10
          path: \(workspace.appendingPathComponent("data").path)
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
        \(rest)
        """
    }

    /// The built-in NATS-Bench space file of the checkout the tests run in.
    static var spacePath: String { "\(FileManager.default.currentDirectoryPath)/SearchSpaces/nats-tss.yaml" }
}
