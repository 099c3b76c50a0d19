import Evolution

/// The Pareto definitions written the obvious, quadratic way: the oracles the fast versions in
/// `Evolution` are tested against.
public enum ParetoOracle {
    /// Front numbers by peeling: front 0 is every point no other point dominates, front 1 the same
    /// among the rest, and so on. O(n²) per front.
    public static func fronts(_ points: [ParetoPoint]) -> [Int] {
        var front = [Int](repeating: -1, count: points.count)
        var remaining = Array(points.indices)
        var level = 0
        while !remaining.isEmpty {
            let current = remaining.filter { i in !remaining.contains { points[$0].dominates(points[i]) } }
            for i in current { front[i] = level }
            remaining.removeAll { front[$0] == level }
            level += 1
        }
        return front
    }

    /// The Pareto answer by its definition: the first front of the usable results (undefined MSRS
    /// read as 1), sorted by accuracy descending, then MSRS ascending, then position; its first member.
    public static func answerIndex(_ results: [EvaluationResult]) -> Int? {
        let usable = results.indices.filter { results[$0].isUsable }
        guard !usable.isEmpty else { return results.isEmpty ? nil : 0 }
        let points = usable.map { ParetoPoint(accuracy: results[$0].validAccuracy, msrs: results[$0].effectiveMSRS) }
        let front = fronts(points)
        let first = usable.indices.filter { front[$0] == 0 }.map { usable[$0] }
        return first.min { a, b in
            let (x, y) = (results[a], results[b])
            if x.validAccuracy != y.validAccuracy { return x.validAccuracy > y.validAccuracy }
            if x.effectiveMSRS != y.effectiveMSRS { return x.effectiveMSRS < y.effectiveMSRS }
            return a < b
        }
    }
}
