import ConfigKit
import Configuration
import Foundation
import RunModel
import Study
import Training

/// The real evaluators of a study: what `rednas study` needs from the tensor side.
package enum StudySetup {
    /// The re-training evaluator of a study's final protocol, from the resolved final config its
    /// plan recorded (loads the data once), with `threads` compute threads (nil: the config's;
    /// 0 = all cores).
    /// - Throws: when the recorded config does not decode or its data cannot be loaded.
    package static func finalEvaluator(for directory: StudyDirectory, threads: Int?) throws -> CandidateEvaluator {
        let plan = try directory.loadPlan()
        var config = try ConfigDecoder().decode(ExperimentConfig.self, yaml: plan.finalConfig,
                                                name: "\(directory.plan.path): final_config")
        if let threads { config.threads = threads }
        ComputeThreadSetting.apply(config.threads)
        return try ExperimentSetup.evaluator(for: config)
    }
}
