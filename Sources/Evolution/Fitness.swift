/// How candidates are compared: plain accuracy (the reference REA) or one of the redundancy-aware
/// rules of the MSRS spec (§6). Accuracy is in percent, normalised MSRS in [0, 1].
///
/// Rules shared by every kind:
/// - a diverged (unusable) result ranks behind every usable one;
/// - an undefined MSRS counts as 1, the worst normalised redundancy (for `constraint` it is never
///   feasible, whatever the bound);
/// - ties keep the order of the compared set (the first one wins), as in the reference `max(sample)`.
///
/// `lexicographic` and `pareto` are relative to the compared set (a tournament sample, or the whole
/// history when choosing the answer); the others are a per-candidate score.
public struct Fitness: Codable, Equatable, Sendable {
    /// The comparison rule.
    public enum Kind: String, Codable, CaseIterable, Sendable {
        /// Higher validation accuracy wins (plain REA).
        case accuracy
        /// Higher `accuracy − lambda · MSRS` wins.
        case penalty
        /// Candidates with MSRS ≤ `bound` come first, by accuracy; the rest after them, by accuracy.
        case constraint
        /// Among candidates within `epsilon` points of the best accuracy of the set, lower MSRS wins
        /// (then higher accuracy); the others follow by accuracy.
        case lexicographic
        /// Non-dominated rank on (accuracy ↑, MSRS ↓), then larger crowding distance (NSGA-II).
        case pareto
    }

    /// The comparison rule; the parameters below apply to one kind each.
    public var kind: Kind
    /// Penalty weight, in accuracy points per unit of normalised MSRS (`penalty`).
    public var lambda: Double
    /// Largest admissible normalised MSRS (`constraint`).
    public var bound: Double
    /// Accuracy tolerance in points (`lexicographic`).
    public var epsilon: Double

    /// A fitness of `kind`; parameters that `kind` does not use are ignored.
    public init(kind: Kind = .accuracy, lambda: Double = 0, bound: Double = 1, epsilon: Double = 0) {
        self.kind = kind
        self.lambda = lambda
        self.bound = bound
        self.epsilon = epsilon
    }

    /// Plain validation accuracy, the reference REA's fitness.
    public static let accuracy = Fitness()

    /// The penalised score `accuracy − lambda · MSRS` (undefined MSRS = 1).
    public func penalizedScore(_ result: EvaluationResult) -> Double {
        result.validAccuracy - lambda * result.effectiveMSRS
    }

    /// Whether `result` satisfies the `constraint` bound (undefined MSRS never does).
    public func isFeasible(_ result: EvaluationResult) -> Bool {
        guard let msrs = result.normalizedMSRS else { return false }
        return msrs <= bound
    }

    /// Indices of `results` from best to worst under this fitness; ties keep the given order.
    /// Complexity: O(n log n), O(n²) for `pareto`.
    public func ranking(_ results: [EvaluationResult]) -> [Int] {
        let usable = results.indices.filter { results[$0].isUsable }
        let unusable = results.indices.filter { !results[$0].isUsable }
        return rankUsable(usable, in: results) + unusable
    }

    /// Index of the best of `results` (first on ties); `nil` only when `results` is empty.
    public func bestIndex(_ results: [EvaluationResult]) -> Int? {
        ranking(results).first
    }

    private func rankUsable(_ indices: [Int], in results: [EvaluationResult]) -> [Int] {
        let byAccuracy: (Int, Int) -> Bool = { results[$0].validAccuracy > results[$1].validAccuracy }
        switch kind {
        case .accuracy:
            return indices.stableSorted(by: byAccuracy)
        case .penalty:
            return indices.stableSorted { penalizedScore(results[$0]) > penalizedScore(results[$1]) }
        case .constraint:
            let feasible = indices.filter { isFeasible(results[$0]) }
            let infeasible = indices.filter { !isFeasible(results[$0]) }
            return feasible.stableSorted(by: byAccuracy) + infeasible.stableSorted(by: byAccuracy)
        case .lexicographic:
            guard let top = indices.map({ results[$0].validAccuracy }).max() else { return [] }
            let isContender = { (i: Int) in results[i].validAccuracy >= top - epsilon }
            let contenders = indices.filter(isContender).stableSorted {
                let (a, b) = (results[$0], results[$1])
                return a.effectiveMSRS != b.effectiveMSRS ? a.effectiveMSRS < b.effectiveMSRS
                                                          : a.validAccuracy > b.validAccuracy
            }
            return contenders + indices.filter { !isContender($0) }.stableSorted(by: byAccuracy)
        case .pareto:
            let points = indices.map { ParetoPoint(accuracy: results[$0].validAccuracy, msrs: results[$0].effectiveMSRS) }
            return Pareto.ranking(points).map { indices[$0] }
        }
    }
}

extension Array {
    /// A sort that keeps equal elements in their original order (the standard sort does not promise it).
    func stableSorted(by areInIncreasingOrder: (Element, Element) -> Bool) -> [Element] {
        enumerated().sorted { a, b in
            if areInIncreasingOrder(a.element, b.element) { return true }
            if areInIncreasingOrder(b.element, a.element) { return false }
            return a.offset < b.offset
        }.map(\.element)
    }
}

extension Fitness {
    /// The search's answer among all evaluated `results` (the whole history): the best by this fitness,
    /// except for `pareto`, where "best" is a set — there the answer is the non-dominated result with
    /// the highest accuracy (then lower MSRS, then earliest), i.e. the most accurate point of the front.
    public func answerIndex(_ results: [EvaluationResult]) -> Int? {
        guard kind == .pareto else { return bestIndex(results) }
        // The most accurate member of the first front is the most accurate usable result, with the
        // lowest MSRS among equally accurate ones (nothing can dominate it), the earliest on full ties:
        // one O(n) pass. `Tests/TestSupport` checks it against sorting the first front.
        var best: Int?
        for (i, r) in results.enumerated() where r.isUsable {
            guard let b = best else { best = i; continue }
            let current = results[b]
            if r.validAccuracy > current.validAccuracy
                || (r.validAccuracy == current.validAccuracy && r.effectiveMSRS < current.effectiveMSRS) { best = i }
        }
        return best ?? (results.isEmpty ? nil : 0)
    }
}
