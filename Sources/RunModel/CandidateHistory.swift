import Evolution

/// The journal seen per candidate. Under a multi-fidelity scheduler a candidate has one record per
/// rung it reached (the first names it; promotions continue it); elsewhere one record each.
extension Array where Element == EvaluationRecord {
    /// Each candidate's records (its rungs, lowest first), candidates in order of their first record.
    package var candidateCurves: [[EvaluationRecord]] {
        var position: [Int: Int] = [:]
        var curves: [[EvaluationRecord]] = []
        for record in self {
            if let p = position[record.candidateNumber] {
                curves[p].append(record)
            } else {
                position[record.candidateNumber] = curves.count
                curves.append([record])
            }
        }
        return curves
    }

    /// One record per candidate, in order of first appearance: its highest rung's record, with
    /// `seconds` summed over all its records (the candidate's whole cost). The identity outside
    /// multi-fidelity runs.
    package var latestPerCandidate: [EvaluationRecord] {
        candidateCurves.map { curve in
            var last = curve[curve.count - 1]
            last.seconds = curve.reduce(0) { $0 + $1.seconds }
            return last
        }
    }

    /// Index of the answer among these records (one per candidate): the fitness's answer among the
    /// results at the highest fidelity reached (see `Fitness.answerIndex(_:fidelities:)`).
    package func answerIndex(under fitness: Fitness) -> Int? {
        fitness.answerIndex(map(\.result), fidelities: map(\.fidelity))
    }

    /// Indices best first under the fitness, compared within a fidelity (higher fidelities first).
    package func ranking(under fitness: Fitness) -> [Int] {
        fitness.ranking(map(\.result), fidelities: map(\.fidelity))
    }

    /// The highest fidelity (epochs) a usable record reached under a scheduler; nil outside
    /// multi-fidelity runs (every record at fidelity 0) or when nothing is usable.
    package var highestFidelity: Int? {
        guard contains(where: { $0.rung != nil }) else { return nil }
        return lazy.filter { $0.result.isUsable }.map(\.fidelity).max()
    }

    /// Indices of the records (one per candidate) that top-K lists and Pareto fronts compare:
    /// those at `highestFidelity` — fitness is compared only within a fidelity (`Fitness+Fidelity`),
    /// and the most trained candidates are the ones the answer comes from; every index when there
    /// is no such fidelity.
    package var atHighestFidelity: [Int] {
        guard let top = highestFidelity else { return [Int](indices) }
        return indices.filter { self[$0].fidelity == top }
    }
}

extension Array where Element == EvaluationRecord {
    /// Training epochs these journal records charged to the budget: a trained record its epochs
    /// (a promotion only the epochs it added to its candidate's), a reused one none — the driver's
    /// `epochsUsed`, recomputed from the journal.
    package var epochsUsed: Int {
        var reached: [Int: Int] = [:]
        var total = 0
        for record in self where !record.reused {
            total += record.metrics.epochs - (reached[record.candidateNumber] ?? 0)
            reached[record.candidateNumber] = record.metrics.epochs
        }
        return total
    }
}
