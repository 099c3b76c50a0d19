import CellSpace
import Evolution
import Foundation
import RunModel
import Search

/// The numbers a report shows, computed from a run's records once.
public struct RunAnalysis {
    public let records: [EvaluationRecord]
    public let fitness: Fitness
    /// Position in `records` of the search's answer under the run's fitness (`Fitness.answerIndex`).
    public let answer: Int?

    public init(records: [EvaluationRecord], fitness: Fitness) {
        self.records = records
        self.fitness = fitness
        answer = Self.answerIndex(records.map(\.result), fitness: fitness)
    }

    /// `fitness.answerIndex`, except for `pareto` where its O(n²)-per-front sort is replaced by the
    /// equivalent closed form (the most accurate usable result, then lowest MSRS, then earliest — the
    /// most accurate point of the first front). Tests check the two agree.
    static func answerIndex(_ results: [EvaluationResult], fitness: Fitness) -> Int? {
        guard fitness.kind == .pareto else { return fitness.answerIndex(results) }
        var best: Int?
        for (i, r) in results.enumerated() where r.isUsable {
            guard let b = best else { best = i; continue }
            let current = results[b]
            if r.validAccuracy > current.validAccuracy
                || (r.validAccuracy == current.validAccuracy && r.effectiveMSRS < current.effectiveMSRS) { best = i }
        }
        return best ?? (results.isEmpty ? nil : 0)
    }

    /// The scalar fitness shown for a record (penalised score for `penalty`, else valid accuracy).
    public func fitnessValue(_ r: EvaluationRecord) -> Double? { r.fitnessValue(under: fitness) }

    /// Positions in `records` of the top `k` under the run's fitness, best first.
    /// `pareto` over more than 2,000 records ranks the first front (by accuracy) before the rest (by
    /// accuracy) instead of full non-dominated sorting, which is quadratic per front.
    public func top(_ k: Int) -> [Int] {
        let results = records.map(\.result)
        if fitness.kind == .pareto && results.count > 2_000 {
            let front = Set(Self.paretoFront(results))
            let usable = results.indices.filter { results[$0].isUsable }
            let byAccuracy: (Int, Int) -> Bool = {
                results[$0].validAccuracy != results[$1].validAccuracy ? results[$0].validAccuracy > results[$1].validAccuracy : $0 < $1
            }
            let ordered = usable.filter(front.contains).sorted(by: byAccuracy)
                + usable.filter { !front.contains($0) }.sorted(by: byAccuracy)
            return Array((ordered + results.indices.filter { !results[$0].isUsable }).prefix(k))
        }
        return Array(fitness.ranking(results).prefix(k))
    }

    /// Positions of the non-dominated usable results with a defined MSRS (accuracy ↑, MSRS ↓, in the
    /// sense of `ParetoPoint.dominates`), sorted by MSRS then accuracy ascending (the step line's order).
    /// O(n log n): sweep by accuracy descending, keeping the lowest MSRS of strictly better accuracies.
    public static func paretoFront(_ results: [EvaluationResult]) -> [Int] {
        let candidates = results.indices.filter { results[$0].isUsable && results[$0].normalizedMSRS != nil }
        let sorted = candidates.sorted { results[$0].validAccuracy > results[$1].validAccuracy }
        var front: [Int] = []
        var bestAbove = Double.infinity   // lowest MSRS among strictly higher accuracies
        var start = 0
        while start < sorted.count {
            let accuracy = results[sorted[start]].validAccuracy
            var end = start
            while end < sorted.count && results[sorted[end]].validAccuracy == accuracy { end += 1 }
            let group = sorted[start..<end]
            let lowest = group.map { results[$0].normalizedMSRS! }.min()!
            if lowest < bestAbove { front += group.filter { results[$0].normalizedMSRS! == lowest } }
            bestAbove = min(bestAbove, lowest)
            start = end
        }
        return front.sorted {
            let (a, b) = (results[$0], results[$1])
            return a.normalizedMSRS! != b.normalizedMSRS! ? a.normalizedMSRS! < b.normalizedMSRS! : $0 < $1
        }
    }

    /// One point of a best-so-far curve: after evaluation `number` (0-based), at cumulative `seconds`.
    public struct ProgressPoint: Equatable {
        public var number: Int
        public var seconds: Double
        public var value: Double
    }

    /// Running maximum of `value` over the records (records without a value are skipped); one point
    /// per record, so callers may decimate to the points where the value changes.
    public func runningBest(_ value: (EvaluationRecord) -> Double?) -> [ProgressPoint] {
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

    /// Best-so-far valid accuracy (usable results only).
    public var bestAccuracySoFar: [ProgressPoint] {
        runningBest { $0.result.isUsable ? $0.result.validAccuracy : nil }
    }

    /// Best-so-far fitness: the running maximum of the penalised score for `penalty`; for the
    /// set-relative kinds (constraint, lexicographic, pareto) the valid accuracy of the search's answer
    /// among the first t evaluations; nil for `accuracy` (it equals the accuracy curve).
    public var bestFitnessSoFar: [ProgressPoint]? {
        switch fitness.kind {
        case .accuracy: return nil
        case .penalty: return runningBest { fitnessValue($0) }
        case .constraint, .lexicographic, .pareto: return answerAccuracySoFar(samples: 400)
        }
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
            guard let a = Self.answerIndex(Array(results[...t]), fitness: fitness), results[a].isUsable else { continue }
            points.append(ProgressPoint(number: records[t].number, seconds: cumulative[t], value: results[a].validAccuracy))
        }
        return points
    }
}
