import CellSpace
import Evolution
import Foundation
import RunModel
import Search

/// The numbers a report shows, computed from a run's records once.
package struct RunAnalysis {
    /// One record per candidate (under a scheduler, each candidate's highest rung: `latestPerCandidate`).
    package let records: [EvaluationRecord]
    /// The journal in commit order (under a scheduler, one record per rung reached; else `records`).
    package let journal: [EvaluationRecord]
    package let fitness: Fitness
    /// Position in `records` of the search's answer under the run's fitness (`Fitness.answerIndex`;
    /// under a scheduler, among the candidates at the highest fidelity reached).
    package let answer: Int?
    /// Under `pareto` fitness, what `Fitness.ranking` sorted each usable record by: its front
    /// (1 = non-dominated) and its crowding distance within that front; empty for other kinds.
    package let paretoStanding: [Int: ParetoStanding]

    package struct ParetoStanding: Equatable {
        /// 1-based front number (1 = not dominated by any usable record).
        package var front: Int
        /// NSGA-II crowding distance within the front (+∞ at its ends).
        package var crowding: Double
    }

    /// `records` one per candidate; `journal` the records in commit order when they differ (a
    /// multi-fidelity run), which the best-so-far curves follow.
    package init(records: [EvaluationRecord], fitness: Fitness, journal: [EvaluationRecord]? = nil) {
        self.records = records
        self.journal = journal ?? records
        self.fitness = fitness
        answer = records.answerIndex(under: fitness)
        // Fronts are ranked within a fidelity, as the search compares (Fitness+Fidelity).
        var standing: [Int: ParetoStanding] = [:]
        if fitness.kind == .pareto {
            for level in Set(records.map(\.fidelity)) {
                let group = records.indices.filter { records[$0].fidelity == level }
                for (k, s) in Self.standing(group.map { records[$0].result }) { standing[group[k]] = s }
            }
        }
        paretoStanding = standing
    }

    /// Fronts and crowding of the usable results, as `Fitness.ranking` computes them for `pareto`.
    private static func standing(_ results: [EvaluationResult]) -> [Int: ParetoStanding] {
        let usable = results.indices.filter { results[$0].isUsable }
        let points = usable.map { ParetoPoint(accuracy: results[$0].validAccuracy, msrs: results[$0].effectiveMSRS) }
        let front = Pareto.fronts(points)
        var out: [Int: ParetoStanding] = [:]
        for level in Set(front) {
            let members = points.indices.filter { front[$0] == level }
            for (member, distance) in zip(members, Pareto.crowding(points, members: members)) {
                out[usable[member]] = ParetoStanding(front: level + 1, crowding: distance)
            }
        }
        return out
    }

    /// The heading of the table column that shows what the ranking used.
    package var rankingColumn: String { fitness.kind == .pareto ? "front · crowding" : "fitness" }

    /// The table cell of that column for the record at `position`: the fitness, or for `pareto`
    /// the front and crowding distance ("1 · ∞", "2 · 0.53").
    package func rankingValue(at position: Int) -> String {
        if fitness.kind == .pareto {
            guard let s = paretoStanding[position] else { return "—" }
            let crowd = s.crowding.isInfinite ? "∞" : String(format: "%.2f", s.crowding)
            return "\(s.front) · \(crowd)"
        }
        return fitnessValue(records[position]).map { String(format: "%.2f", $0) } ?? "—"
    }

    /// The scalar fitness shown for a record (penalised score for `penalty`, else valid accuracy).
    package func fitnessValue(_ r: EvaluationRecord) -> Double? { r.fitnessValue(under: fitness) }

    /// Positions in `records` of the top `k` under the run's fitness, best first (under a
    /// scheduler higher fidelities first, each compared within itself).
    package func top(_ k: Int) -> [Int] { Array(records.ranking(under: fitness).prefix(k)) }

    /// The top `k` among the candidates at the highest fidelity reached (`atHighestFidelity`;
    /// all candidates outside multi-fidelity runs), best first.
    package func topAtHighestFidelity(_ k: Int) -> [Int] {
        let compared = Set(records.atHighestFidelity)
        return Array(records.ranking(under: fitness).lazy.filter { compared.contains($0) }.prefix(k))
    }

    /// " at E epochs (the highest rung reached)" under a scheduler, else "": what the top-K list compares.
    package var fidelityLabel: String {
        records.highestFidelity.map { " at \($0) epochs (the highest rung reached)" } ?? ""
    }

    /// Positions of the non-dominated usable results with a defined MSRS (accuracy ↑, MSRS ↓:
    /// `Pareto.firstFront`), sorted by MSRS then accuracy ascending (the step line's order). O(n log n).
    package static func paretoFront(_ results: [EvaluationResult]) -> [Int] {
        let eligible = results.indices.filter { results[$0].isUsable && results[$0].normalizedMSRS != nil }
        let points = eligible.map { ParetoPoint(accuracy: results[$0].validAccuracy, msrs: results[$0].normalizedMSRS!) }
        return Pareto.firstFront(points).map { eligible[$0] }.sorted {
            let (a, b) = (results[$0], results[$1])
            if a.normalizedMSRS! != b.normalizedMSRS! { return a.normalizedMSRS! < b.normalizedMSRS! }
            return a.validAccuracy != b.validAccuracy ? a.validAccuracy < b.validAccuracy : $0 < $1
        }
    }

    /// One point of a best-so-far curve: after evaluation `number` (0-based), at cumulative `seconds`.
    package struct ProgressPoint: Equatable {
        package var number: Int
        package var seconds: Double
        package var value: Double
    }

    /// Running maximum of `value` over the records (records without a value are skipped); one point
    /// per record, so callers may decimate to the points where the value changes.
    package func runningBest(_ value: (EvaluationRecord) -> Double?) -> [ProgressPoint] {
        var points: [ProgressPoint] = []
        var best = -Double.infinity, seconds = 0.0
        points.reserveCapacity(records.count)
        for r in records {
            seconds += r.seconds
            if let v = value(r), v.isFinite { best = max(best, v) }
            if best > -Double.infinity { points.append(ProgressPoint(number: r.number, seconds: seconds, value: best)) }
        }
        return points
    }

    /// Whether the run has rungs (its journal holds promotions or rung records).
    package var isMultiFidelity: Bool { journal.contains { $0.rung != nil } }

    /// Best-so-far valid accuracy (usable results only); in a multi-fidelity run, the answer's
    /// (compared within a fidelity) after each journal record.
    package var bestAccuracySoFar: [ProgressPoint] {
        if isMultiFidelity { return answerSoFar(samples: 400) { $0.result.isUsable ? $0.result.validAccuracy : nil } }
        return runningBest { $0.result.isUsable ? $0.result.validAccuracy : nil }
    }

    /// Best-so-far fitness: the running maximum of the penalised score for `penalty`; for the
    /// set-relative kinds (constraint, lexicographic, pareto) the valid accuracy of the search's answer
    /// among the first t evaluations; nil for `accuracy` (it equals the accuracy curve).
    package var bestFitnessSoFar: [ProgressPoint]? {
        if isMultiFidelity { return fitness.kind == .penalty ? answerSoFar(samples: 400) { fitnessValue($0) } : nil }
        switch fitness.kind {
        case .accuracy: return nil
        case .penalty: return runningBest { fitnessValue($0) }
        case .constraint, .lexicographic, .pareto: return answerAccuracySoFar(samples: 400)
        }
    }

    /// `value` of the answer among the candidates as they stood after journal record t (each at its
    /// highest rung then), at up to `samples` evenly spaced t (and the last).
    private func answerSoFar(samples: Int, value: (EvaluationRecord) -> Double?) -> [ProgressPoint] {
        guard !journal.isEmpty else { return [] }
        let n = journal.count
        var cumulative: [Double] = []
        var total = 0.0
        for r in journal { total += r.seconds; cumulative.append(total) }
        var times = Array(stride(from: 0, to: n, by: max(1, n / samples)))
        if times.last != n - 1 { times.append(n - 1) }
        var points: [ProgressPoint] = []
        for t in times {
            let candidates = Array(journal[...t]).latestPerCandidate
            guard let a = candidates.answerIndex(under: fitness), let v = value(candidates[a]), v.isFinite else { continue }
            points.append(ProgressPoint(number: journal[t].number, seconds: cumulative[t], value: v))
        }
        return points
    }

    /// The answer's valid accuracy after t evaluations, at up to `samples` evenly spaced t (and the last).
    private func answerAccuracySoFar(samples: Int) -> [ProgressPoint] {
        guard !records.isEmpty else { return [] }
        let n = records.count
        var cumulative: [Double] = []
        var total = 0.0
        for r in records { total += r.seconds; cumulative.append(total) }
        let results = records.map(\.result)
        var times = Array(stride(from: 0, to: n, by: max(1, n / samples)))
        if times.last != n - 1 { times.append(n - 1) }
        var points: [ProgressPoint] = []
        for t in times {
            guard let a = fitness.answerIndex(Array(results[...t])), results[a].isUsable else { continue }
            points.append(ProgressPoint(number: records[t].number, seconds: cumulative[t], value: results[a].validAccuracy))
        }
        return points
    }
}
