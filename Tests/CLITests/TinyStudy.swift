import Foundation
import XCTest

/// The tiny real study of the study command tests: a synthetic 4-class CIFAR-format dataset, a
/// 3-evaluation search of a 2-channel one-cell network, two arms × two seeds and a 2-epoch final.
enum TinyStudy {
    /// Writes `data/`, `base.yaml` and `study.yaml` (study directory `workspace/directory`).
    static func write(in workspace: URL, directory: String) throws {
        let synth = try CLIRunner.run(["data", "synth", "--out", workspace.appendingPathComponent("data").path,
                                       "--train", "256", "--test", "64", "--classes", "4", "--seed", "5"])
        XCTAssertEqual(synth.status, 0, synth.stderr)
        try """
            dataset:
              kind: cifar10
              path: \(workspace.appendingPathComponent("data").path)
              split: holdout
              valid_count: 64
            network:
              channels: 2
              cells: 1
            training:
              epochs: 1
              batch_size: 64
            msrs:
              batches: 1
              batch_size: 64
            search:
              population: 2
              sample_size: 1
              space: \(FileManager.default.currentDirectoryPath)/SearchSpaces/nats-tss.yaml
              budget:
                evaluations: 3
            """.write(to: workspace.appendingPathComponent("base.yaml"), atomically: true, encoding: .utf8)
        try """
            base: base.yaml
            dir: \(workspace.appendingPathComponent(directory).path)
            seeds: [0, 1]
            arms:
              - name: plain
                set: [fitness.kind=accuracy]
              - name: penalty
                set: [fitness.kind=penalty, fitness.lambda=20]
            final:
              seeds: [0]
              set: [training.epochs=2]
            statistics:
              resamples: 200
            """.write(to: workspace.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
    }
}
