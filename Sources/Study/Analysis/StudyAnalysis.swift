import ConfigKit
import Evolution
import Foundation
import Persistence
import RunModel
import Search
import Statistics

/// Computes a study's ``StudyResults`` from its directory alone (the stored plan and study file,
/// the run directories through `RunSnapshot`, the final results). Test accuracy enters only here,
/// after every search has chosen its answer by its own fitness.
package enum StudyAnalysis {
    /// Reads and analyses the study in `directory`.
    /// - Throws: ``StudyError/notAStudy`` when the folder holds none; the stored study file's
    ///   ``ConfigError`` when it no longer decodes.
    package static func analyse(_ directory: StudyDirectory, now: Date = Date()) throws -> StudyResults {
        let plan = try directory.loadPlan()
        let file = try ConfigDecoder().decode(StudyConfig.self, contentsOfFile: directory.studyFile.path)
        let failures = directory.loadFailures()
        var snapshots: [[RunSnapshot?]] = []
        var runs: [[StudyResults.Run]] = []
        for arm in plan.arms {
            var armSnapshots: [RunSnapshot?] = [], armRuns: [StudyResults.Run] = []
            for seed in plan.seeds {
                let run = directory.run(arm: arm.name, seed: seed)
                let snapshot = run.exists ? try? RunSnapshot.load(run, .lenient) : nil
                armSnapshots.append(snapshot)
                armRuns.append(try runResult(seed: seed, snapshot: snapshot, failure: failures["\(arm.name)/seed-\(seed)"],
                                             finalSeeds: plan.final.seeds, directory: directory))
            }
            snapshots.append(armSnapshots)
            runs.append(armRuns)
        }
        markParetoOptimal(&runs)
        let referenceIndex = plan.arms.firstIndex { $0.name == (file.reference ?? plan.arms[0].name) } ?? 0
        let seconds = evaluationSecondsGrid(snapshots.flatMap { $0 })
        let maxEvaluations = snapshots.flatMap { $0 }.compactMap { $0?.records.count }.max() ?? 0
        let settings = file.statistics
        var arms: [StudyResults.Arm] = []
        for (a, arm) in plan.arms.enumerated() {
            var summary: [String: BootstrapInterval] = [:]
            var comparison: [String: StudyResults.Comparison] = [:]
            for (m, metric) in StudyResults.Metric.allCases.enumerated() {
                let values = runs[a].compactMap { $0.final?[metric.rawValue] }
                // One stream per metric, the same in every arm: equal samples get equal intervals.
                let seed = UInt64(settings.seed) &* 1_000_003 &+ UInt64(m)
                summary[metric.rawValue] = Bootstrap.meanInterval(values, confidence: settings.confidence,
                                                                  resamples: settings.resamples, seed: seed)
                if a != referenceIndex {
                    comparison[metric.rawValue] = compare(runs[a], runs[referenceIndex], metric)
                }
            }
            let scored = runs[a].filter { $0.paretoOptimal != nil }
            let optimal = scored.filter { $0.paretoOptimal == true }.count
            arms.append(StudyResults.Arm(
                name: arm.name, set: arm.set, runs: runs[a], summary: summary, comparison: comparison,
                paretoFraction: scored.isEmpty ? nil : Double(optimal) / Double(scored.count),
                anytime: AnytimeCurves.arm(snapshots[a].compactMap { $0 }, maxEvaluations: maxEvaluations, seconds: seconds)))
        }
        return StudyResults(directory: directory.url.path, generated: Timestamp.iso8601(now),
                            reference: plan.arms[referenceIndex].name, finalSeeds: plan.final.seeds,
                            confidence: settings.confidence, resamples: settings.resamples, arms: arms)
    }

    private static func runResult(seed: Int, snapshot: RunSnapshot?, failure: String?, finalSeeds: [Int],
                                  directory: StudyDirectory) throws -> StudyResults.Run {
        var run = StudyResults.Run(seed: seed, phase: snapshot?.phase.rawValue ?? "not started", failure: failure,
                                   evaluations: snapshot?.records.count ?? 0, searchSeconds: snapshot?.secondsUsed ?? 0,
                                   finalSeedsDone: 0, msrsUndefined: 0)
        if failure != nil { run.phase = "failed" }
        guard let snapshot, snapshot.budgetUsed, let best = snapshot.best else { return run }
        run.answerIndex = best.index
        run.answerArch = best.arch
        run.searchValidAccuracy = best.metrics.validAccuracy
        run.searchMSRS = best.metrics.msrsNormalized
        let finals = try finalSeeds.compactMap { try FinalResult.load(from: directory.final(index: best.index, seed: $0)) }
        run.finalSeedsDone = finals.count
        let usable = finals.filter { $0.metrics.diverged == nil }
        guard !usable.isEmpty else { return run }
        let msrs = usable.compactMap(\.metrics.msrsNormalized)
        run.msrsUndefined = usable.count - msrs.count
        var final: [String: Double] = [:]
        final[StudyResults.Metric.testAccuracy.rawValue] = Descriptive.mean(usable.compactMap(\.metrics.testAccuracy))
        final[StudyResults.Metric.msrs.rawValue] = Descriptive.mean(msrs)
        final[StudyResults.Metric.params.rawValue] = Double(usable[0].metrics.params)
        final[StudyResults.Metric.flops.rawValue] = Double(usable[0].metrics.flops)
        run.final = final
        return run
    }

    /// Marks every run with both final test accuracy and MSRS as Pareto-optimal or not among all of them.
    private static func markParetoOptimal(_ runs: inout [[StudyResults.Run]]) {
        var positions: [(Int, Int)] = [], points: [[Double]] = []
        for a in runs.indices {
            for r in runs[a].indices {
                guard let final = runs[a][r].final, let accuracy = final[StudyResults.Metric.testAccuracy.rawValue],
                      let msrs = final[StudyResults.Metric.msrs.rawValue] else { continue }
                positions.append((a, r))
                points.append([accuracy, -msrs])
            }
        }
        for (k, optimal) in ParetoOptimality.nonDominated(points).enumerated() {
            runs[positions[k].0][positions[k].1].paretoOptimal = optimal
        }
    }

    private static func compare(_ arm: [StudyResults.Run], _ reference: [StudyResults.Run],
                                _ metric: StudyResults.Metric) -> StudyResults.Comparison {
        let key = metric.rawValue
        let x = arm.compactMap { $0.final?[key] }, y = reference.compactMap { $0.final?[key] }
        var pairs: [(Double, Double)] = []
        for run in arm {
            if let a = run.final?[key], let b = reference.first(where: { $0.seed == run.seed })?.final?[key] { pairs.append((a, b)) }
        }
        return StudyResults.Comparison(
            mannWhitney: MannWhitneyU.test(x, y),
            wilcoxon: pairs.isEmpty ? nil : WilcoxonSignedRank.test(pairs.map(\.0), pairs.map(\.1)),
            meanPairedDifference: Descriptive.mean(pairs.map { $0.0 - $0.1 }))
    }

    /// 41 points from 0 to the longest search's evaluation seconds.
    private static func evaluationSecondsGrid(_ snapshots: [RunSnapshot?]) -> [Double] {
        let longest = snapshots.compactMap { $0?.secondsUsed }.max() ?? 0
        guard longest > 0 else { return [0] }
        return (0...40).map { longest * Double($0) / 40 }
    }
}
