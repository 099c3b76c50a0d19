import Statistics

/// Every number of a study's report (`study.json`): per arm, each run's answer and its final
/// scores, the means with bootstrap intervals, the rank tests against the reference arm, the
/// Pareto share and the anytime curves.
package struct StudyResults: Codable, Equatable {
    /// The final metrics, in report order: test accuracy (%), normalised MSRS, params, FLOPs.
    package enum Metric: String, Codable, CaseIterable, Sendable {
        case testAccuracy = "test_accuracy", msrs, params, flops

        /// Column heading.
        package var title: String {
            switch self {
            case .testAccuracy: return "test accuracy (%)"
            case .msrs: return "MSRS (normalised)"
            case .params: return "params"
            case .flops: return "FLOPs"
            }
        }

        /// Whether a larger value is better.
        package var higherIsBetter: Bool { self == .testAccuracy }
    }

    /// One search of an arm: its answer and the answer's final scores.
    package struct Run: Codable, Equatable {
        package var seed: Int
        /// "finished", "failed", "running", "stopped", "not started".
        package var phase: String
        package var failure: String?
        package var evaluations: Int
        /// Seconds of evaluation (training + MSRS) the search used.
        package var searchSeconds: Double
        package var answerIndex: Int?
        package var answerArch: String?
        /// The answer's valid accuracy and MSRS as the search measured them.
        package var searchValidAccuracy: Double?
        package var searchMSRS: Double?
        /// Final scores (mean over the final seeds done); nil until re-trained.
        package var final: [String: Double]?
        /// Final seeds whose re-training is done.
        package var finalSeedsDone: Int
        /// Final seeds whose MSRS was undefined (left out of the MSRS mean).
        package var msrsUndefined: Int
        /// Whether the answer is non-dominated (test accuracy ↑, MSRS ↓) among all arms' answers.
        package var paretoOptimal: Bool?

        // The acronym's key is spelled so that JSONStyle's snake_case conversion round-trips it.
        enum CodingKeys: String, CodingKey {
            case seed, phase, failure, evaluations, searchSeconds, answerIndex, answerArch, searchValidAccuracy
            case searchMSRS = "searchMsrs", final, finalSeedsDone, msrsUndefined, paretoOptimal
        }
    }

    /// A metric's comparison of an arm with the reference arm.
    package struct Comparison: Codable, Equatable {
        /// Mann–Whitney U over all scored runs (arm first, so a positive effect = the arm is larger).
        package var mannWhitney: RankTestResult?
        /// Wilcoxon signed-rank on arm − reference, paired by seed (seeds scored in both).
        package var wilcoxon: RankTestResult?
        /// Mean of arm − reference over the paired seeds.
        package var meanPairedDifference: Double?
    }

    /// Mean (with a band) of the arm's runs' anytime curves on a common grid.
    package struct Anytime: Codable, Equatable {
        /// Valid accuracy (%) of the search's answer so far, after each evaluation.
        package var accuracyByEvaluations: Band
        /// Normalised MSRS of that answer, after each evaluation.
        package var msrsByEvaluations: Band
        /// The same against cumulative evaluation seconds.
        package var accuracyBySeconds: Band
        package var msrsBySeconds: Band
    }

    package struct Arm: Codable, Equatable {
        package var name: String
        package var set: [String]
        package var runs: [Run]
        /// Mean and bootstrap interval of each metric over the runs with final scores.
        package var summary: [String: BootstrapInterval]
        /// Against the reference arm, per metric (empty for the reference itself).
        package var comparison: [String: Comparison]
        /// Share of the arm's scored answers that are Pareto-optimal among all arms' answers.
        package var paretoFraction: Double?
        package var anytime: Anytime
    }

    package var directory: String
    package var generated: String
    package var reference: String
    package var finalSeeds: [Int]
    package var confidence: Double
    package var resamples: Int
    package var arms: [Arm]
}
