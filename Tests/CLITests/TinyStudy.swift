import Foundation
import XCTest

/// The tiny real study of the study command tests: a synthetic 4-class CIFAR-format dataset, a
/// 3-evaluation search of a 2-channel one-cell network, two arms × two seeds and a 2-epoch final.
enum TinyStudy {
    /// Writes `data/`, `base.yaml` and `study.yaml` (study directory `workspace/directory`).
    static func write(in workspace: URL, directory: String) throws {
        try TinySearch.synthesizeData(in: workspace, train: 256)
        try TinySearch.config(in: workspace, epochs: 1, """
            search:
              population: 2
              sample_size: 1
              space: \(TinySearch.spacePath)
              budget:
                evaluations: 3
            """).write(to: workspace.appendingPathComponent("base.yaml"), atomically: true, encoding: .utf8)
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
