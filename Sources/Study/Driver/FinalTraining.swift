import CellSpace
import Foundation
import RunModel

/// One final re-training: an answer's architecture trained under the study's final protocol with
/// one training seed, in `final/<index>-seed<t>/`, its `result.json` written when done.
package struct FinalTraining: Equatable, Sendable {
    package var arch: String
    package var index: Int
    package var seed: Int
    package var folder: URL

    package init(arch: String, index: Int, seed: Int, folder: URL) {
        self.arch = arch; self.index = index; self.seed = seed; self.folder = folder
    }

    /// The re-training of `arch` with training seed `seed` in `directory`'s `final/` folder.
    /// - Throws: when `arch` is not a valid architecture string.
    package init(arch: String, seed: Int, in directory: StudyDirectory) throws {
        let index = try Cell(architectureString: arch).index
        self.init(arch: arch, index: index, seed: seed, folder: directory.final(index: index, seed: seed))
    }

    /// `<index>-seed<t>`, as in log lines and the folder name.
    package var key: String { "\(index)-seed\(seed)" }

    /// Trains with `evaluator` (the final protocol's) and saves the result; nil when stopped
    /// (the epoch checkpoint in `folder` lets the next run continue).
    /// - Throws: when the architecture does not parse or the training fails.
    package func run(with evaluator: CandidateEvaluator, stop: StopSignal) throws -> FinalResult? {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let task = CandidateTask(number: 0, cell: try Cell(architectureString: arch), seed: UInt64(seed))
        switch try evaluator.evaluate(task, in: folder, stop: stop, progress: { _ in }) {
        case .interrupted: return nil
        case .finished(let metrics):
            let result = FinalResult(arch: arch, index: index, seed: seed, metrics: metrics)
            try result.save(in: folder)
            return result
        }
    }
}
