import Foundation
import RunModel
import Search

/// Where a study stands, from its directory alone (safe while it runs): each search's phase and
/// progress, its failure if any, and which final re-trainings are done.
package struct StudyStatus {
    package struct Search {
        package var arm: String
        package var seed: Int
        package var phase: String
        package var evaluations: Int
        package var total: Int?
        package var bestValidAccuracy: Double?
        package var answerIndex: Int?
        package var finalDone: Int
        package var failure: String?
    }

    package var directory: String
    package var searches: [Search]
    package var finalSeeds: Int

    /// Reads the study in `directory`.
    /// - Throws: ``StudyError/notAStudy`` when it holds none.
    package static func load(_ directory: StudyDirectory) throws -> StudyStatus {
        let plan = try directory.loadPlan()
        let failures = directory.loadFailures()
        var searches: [Search] = []
        for arm in plan.arms {
            for seed in plan.seeds {
                let run = directory.run(arm: arm.name, seed: seed)
                var entry = Search(arm: arm.name, seed: seed, phase: "not started", evaluations: 0, total: nil,
                                   bestValidAccuracy: nil, answerIndex: nil, finalDone: 0,
                                   failure: failures["\(arm.name)/seed-\(seed)"])
                if run.exists, let snapshot = try? RunSnapshot.load(run, .lenient) {
                    entry.phase = snapshot.phase.rawValue
                    entry.evaluations = snapshot.records.count
                    entry.total = snapshot.totalEvaluations
                    entry.bestValidAccuracy = snapshot.best?.metrics.validAccuracy
                    if snapshot.budgetUsed, let best = snapshot.best {
                        entry.answerIndex = best.index
                        entry.finalDone = plan.final.seeds.filter { seed in
                            (try? FinalResult.load(from: directory.final(index: best.index, seed: seed))) != nil
                        }.count
                    }
                }
                if entry.failure != nil { entry.phase = "failed" }
                searches.append(entry)
            }
        }
        return StudyStatus(directory: directory.url.path, searches: searches, finalSeeds: plan.final.seeds.count)
    }

    /// One line per search and a closing total.
    package func text() -> String {
        var lines = ["study \(directory)"]
        for s in searches {
            var line = "  \(s.arm)/seed-\(s.seed)".padding(toLength: 28, withPad: " ", startingAt: 0)
            line += s.phase.padding(toLength: 12, withPad: " ", startingAt: 0)
            line += "\(s.evaluations)/\(s.total.map(String.init) ?? "?") evaluations"
            if let a = s.bestValidAccuracy { line += String(format: "  best valid %.2f%%", a) }
            if let i = s.answerIndex { line += "  answer \(i)  final \(s.finalDone)/\(finalSeeds)" }
            if let f = s.failure { line += "  FAILED: \(f)" }
            lines.append(line)
        }
        let finished = searches.filter { $0.answerIndex != nil }.count
        let failed = searches.filter { $0.failure != nil }.count
        let finals = searches.reduce(0) { $0 + $1.finalDone }
        lines.append("\(finished)/\(searches.count) searches finished, \(failed) failed, "
                     + "\(finals)/\((searches.count - failed) * finalSeeds) final re-trainings done")
        return lines.joined(separator: "\n")
    }
}
