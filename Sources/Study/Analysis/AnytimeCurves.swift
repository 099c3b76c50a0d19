import Evolution
import RunModel
import Search
import Statistics

/// Anytime curves: after each evaluation, the answer the search would return if stopped there
/// (best so far by the run's own fitness), its valid accuracy and its normalised MSRS.
package enum AnytimeCurves {
    /// One run's curve: for evaluation k (1-based), the cumulative evaluation seconds and the
    /// answer's valid accuracy and MSRS (nil while no evaluation is usable, and for an undefined MSRS).
    package static func run(_ snapshot: RunSnapshot) -> [(evaluations: Double, seconds: Double, accuracy: Double?, msrs: Double?)] {
        let fitness = snapshot.fitness
        var out: [(Double, Double, Double?, Double?)] = []
        var seconds = 0.0
        var results: [EvaluationResult] = []
        for (k, record) in snapshot.records.enumerated() {
            seconds += record.seconds
            results.append(record.result)
            let best = fitness.answerIndex(results).map { snapshot.records[$0] }
            out.append((Double(k + 1), seconds, best?.metrics.validAccuracy, best?.metrics.msrsNormalized))
        }
        return out
    }

    /// The arm's curves on the grids 1…`maxEvaluations` and `seconds`. A finished run keeps its
    /// final answer past its end; an unfinished one has no value there.
    static func arm(_ snapshots: [RunSnapshot], maxEvaluations: Int, seconds: [Double]) -> StudyResults.Anytime {
        let evaluationGrid = (0..<max(1, maxEvaluations)).map { Double($0 + 1) }
        var accuracyE: [[Double?]] = [], msrsE: [[Double?]] = [], accuracyS: [[Double?]] = [], msrsS: [[Double?]] = []
        for snapshot in snapshots {
            let curve = run(snapshot)
            let end = snapshot.budgetUsed ? Double.infinity : (curve.last?.seconds ?? 0)
            let endCount = snapshot.budgetUsed ? Double.infinity : Double(curve.count)
            func sample(_ xs: [Double], _ ys: [Double?], _ grid: [Double], until limit: Double) -> [Double?] {
                let steps = Band.sampleSteps(steps: xs, values: ys.map { $0 ?? .nan }, at: grid)
                return zip(grid, steps).map { g, v in g > limit ? nil : v.flatMap { $0.isNaN ? nil : $0 } }
            }
            let xs = curve.map(\.evaluations), ts = curve.map(\.seconds)
            accuracyE.append(sample(xs, curve.map(\.accuracy), evaluationGrid, until: endCount))
            msrsE.append(sample(xs, curve.map(\.msrs), evaluationGrid, until: endCount))
            accuracyS.append(sample(ts, curve.map(\.accuracy), seconds, until: end))
            msrsS.append(sample(ts, curve.map(\.msrs), seconds, until: end))
        }
        return StudyResults.Anytime(accuracyByEvaluations: Band(x: evaluationGrid, curves: accuracyE),
                                    msrsByEvaluations: Band(x: evaluationGrid, curves: msrsE),
                                    accuracyBySeconds: Band(x: seconds, curves: accuracyS),
                                    msrsBySeconds: Band(x: seconds, curves: msrsS))
    }
}
