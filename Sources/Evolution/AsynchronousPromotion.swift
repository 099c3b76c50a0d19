/// Where one candidate stands in a multi-fidelity search: its bracket and its result at each rung
/// of that bracket it reached (index 0 = the bracket's lowest rung).
public struct RungStanding: Equatable, Sendable {
    /// The candidate's bracket (see ``FidelityLadder``).
    public var bracket: Int
    /// Its result at each rung reached, lowest first; never empty.
    public var results: [EvaluationResult]

    /// A standing in `bracket` with `results` per rung reached.
    public init(bracket: Int, results: [EvaluationResult]) {
        self.bracket = bracket
        self.results = results
    }

    /// The highest rung reached (index within the bracket).
    public var rung: Int { results.count - 1 }
}

/// What a multi-fidelity search does next.
public enum FidelityStep: Equatable, Sendable {
    /// Continue candidate `candidate` (history index) from its checkpoint to rung `rung` of its
    /// bracket, i.e. to `epochs` epochs in all.
    case promote(candidate: Int, rung: Int, epochs: Int)
    /// Propose a new candidate and train it to the first rung of `bracket` (`epochs` epochs).
    case start(bracket: Int, epochs: Int)
}

/// The asynchronous successive-halving rule (ASHA, Li et al. 2020), with the search's own fitness
/// deciding who is "top": a pure function of the candidates' rung results, so a resumed search
/// (and any worker of a shared run) takes the same decision from the same history.
///
/// Rule, for each bracket in order, from its second-highest rung down to its lowest: the rung's
/// table is every candidate of the bracket that reached it, with its result **at that rung**; the
/// top ⌊n/η⌋ of the n entries, ranked by ``Fitness/ranking(_:)`` (so penalty, constraint,
/// lexicographic and Pareto — front, then crowding — promote as they rank; accuracy-only is plain
/// ASHA), are promotable; the best-ranked one still at that rung (not yet promoted) and usable is
/// promoted to the next rung. No promotion anywhere → start a new candidate in bracket
/// `ladder.bracket(forCandidate: candidates so far)`. No rung waits to be full: a candidate is
/// promoted as soon as it ranks in the top 1/η of what its rung holds.
public struct AsynchronousPromotion: Sendable {
    /// The rungs and brackets.
    public let ladder: FidelityLadder
    /// How a rung's entries are ranked.
    public let fitness: Fitness

    /// The rule for `ladder`, ranking by `fitness`.
    public init(ladder: FidelityLadder, fitness: Fitness) {
        self.ladder = ladder
        self.fitness = fitness
    }

    /// The next step given every candidate's standing (`standings[i]` = candidate i).
    ///
    /// For parallel workers: `busy` are candidates being trained right now (never handed out twice)
    /// and `startsInFlight` new candidates proposed but not yet recorded (they take their brackets
    /// in turn). One process passes neither: its steps run one at a time.
    public func next(_ standings: [RungStanding], busy: Set<Int> = [], startsInFlight: Int = 0) -> FidelityStep {
        for bracket in 0..<ladder.bracketCount {
            let rungs = ladder.rungs(bracket: bracket)
            for rung in stride(from: rungs.count - 2, through: 0, by: -1) {
                if let candidate = promotable(in: standings, bracket: bracket, rung: rung).first(where: { !busy.contains($0) }) {
                    return .promote(candidate: candidate, rung: rung + 1, epochs: rungs[rung + 1])
                }
            }
        }
        let bracket = ladder.bracket(forCandidate: standings.count + startsInFlight)
        return .start(bracket: bracket, epochs: ladder.rungs(bracket: bracket)[0])
    }

    /// Candidates (indices into `standings`) of `bracket` that may leave `rung` now, best first:
    /// in the top ⌊n/η⌋ of the rung's n entries, still at that rung, usable.
    public func promotable(in standings: [RungStanding], bracket: Int, rung: Int) -> [Int] {
        let entries = standings.indices.filter { standings[$0].bracket == bracket && standings[$0].rung >= rung }
        let quota = entries.count / ladder.eta
        guard quota > 0 else { return [] }
        let ranked = fitness.ranking(entries.map { standings[$0].results[rung] }).prefix(quota).map { entries[$0] }
        return ranked.filter { standings[$0].rung == rung && standings[$0].results[rung].isUsable }
    }
}
