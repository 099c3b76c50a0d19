import Foundation
import RunModel
import Study
import Training

/// The real evaluators of a study: what `rednas study` needs from the tensor side.
package enum StudySetup {
    /// The re-training evaluator of `study`'s final protocol (loads the data once), with the
    /// compute threads of the final config (0 = all cores).
    package static func finalEvaluator(for study: LoadedStudy) throws -> CandidateEvaluator {
        ComputeThreadSetting.apply(study.finalConfig.threads)
        return try ExperimentSetup.evaluator(for: study.finalConfig)
    }
}
