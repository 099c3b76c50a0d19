/// Comparing results measured at different fidelities (epochs of training).
///
/// The rule: **a result is compared by fitness only with results of the same fidelity; a higher
/// fidelity ranks first.** Accuracy rises with training, so a candidate stopped at 3 epochs and one
/// trained for 12 are not comparable by their numbers; and a candidate at a higher rung has already
/// been ranked in the top 1/η of every rung below it, so it has beaten most of the candidates still
/// at those rungs on their own terms. Within one fidelity the fitness applies as usual (relative
/// kinds — lexicographic, pareto — are computed within that fidelity's group only). Unusable
/// (diverged) results rank last whatever their fidelity.
extension Fitness {
    /// Indices of `results` best first: usable results by fidelity (descending), each fidelity's
    /// group ranked by this fitness among itself; then the unusable ones in the order given.
    /// - Precondition: `fidelities.count == results.count`.
    public func ranking(_ results: [EvaluationResult], fidelities: [Int]) -> [Int] {
        precondition(fidelities.count == results.count, "one fidelity per result")
        let usable = results.indices.filter { results[$0].isUsable }
        var ranked: [Int] = []
        for level in Set(usable.map { fidelities[$0] }).sorted(by: >) {
            let group = usable.filter { fidelities[$0] == level }
            ranked += ranking(group.map { results[$0] }).map { group[$0] }
        }
        return ranked + results.indices.filter { !results[$0].isUsable }
    }

    /// Index of the best of `results` under the fidelity rule (first on ties); nil only when empty.
    public func bestIndex(_ results: [EvaluationResult], fidelities: [Int]) -> Int? {
        ranking(results, fidelities: fidelities).first
    }

    /// The answer among `results` measured at `fidelities`: ``answerIndex(_:)`` among the usable
    /// results of the highest fidelity reached (the most trained candidates); when nothing is usable,
    /// the first result.
    public func answerIndex(_ results: [EvaluationResult], fidelities: [Int]) -> Int? {
        precondition(fidelities.count == results.count, "one fidelity per result")
        let usable = results.indices.filter { results[$0].isUsable }
        guard let top = usable.map({ fidelities[$0] }).max() else { return results.isEmpty ? nil : 0 }
        let group = usable.filter { fidelities[$0] == top }
        return answerIndex(group.map { results[$0] }).map { group[$0] }
    }
}
