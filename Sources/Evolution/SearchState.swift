import Randomness

/// When a search stops: after a number of evaluations, a wall time, or whichever comes first.
public struct Budget: Codable, Equatable, Sendable {
    /// Evaluations (history entries, reused results included) before stopping; `nil` = no limit.
    public var evaluations: Int?
    /// Seconds of evaluation time (as reported by the driver) before stopping; `nil` = no limit.
    public var seconds: Double?
    /// Epochs of training (every candidate's epochs, promotions' added epochs included; reused
    /// results cost none) before stopping; `nil` = no limit. The unit that compares runs with and
    /// without a multi-fidelity scheduler at equal compute.
    public var epochs: Int?

    /// A budget of at most `evaluations` evaluations, `seconds` seconds and `epochs` epochs; `nil`
    /// leaves that limit off.
    public init(evaluations: Int? = nil, seconds: Double? = nil, epochs: Int? = nil) {
        self.evaluations = evaluations
        self.seconds = seconds
        self.epochs = epochs
    }
}

/// One evaluated genome in the search history.
public struct Member<Genome: Hashable & Codable>: Codable, Equatable {
    /// The evaluated genome.
    public var genome: Genome
    /// Its evaluation.
    public var result: EvaluationResult
    /// True when the result was copied from an earlier evaluation of an equivalent genome (cache hit).
    public var reused: Bool
    /// History index of the parent (mutation), `nil` for a random sample.
    public var parent: Int?
    /// Seconds the evaluation took (0-ish for a reused result), as reported by the driver; under a
    /// multi-fidelity scheduler, the sum over its rungs.
    public var seconds: Double
    /// Multi-fidelity searches only (nil otherwise): the candidate's bracket, …
    public var bracket: Int?
    /// … its result at each rung of the bracket it reached (`result` is the last), …
    public var rungResults: [EvaluationResult]?
    /// … and the epochs it was trained for: the fidelity of `result`.
    public var epochs: Int?

    /// The fidelity its `result` is compared at (0 for every member of a single-fidelity search).
    public var fidelity: Int { epochs ?? 0 }
}

/// What to evaluate next, and why.
public struct Proposal<Genome: Hashable & Codable>: Codable, Equatable {
    /// The genome to evaluate.
    public var genome: Genome
    /// History index of the parent for a mutation; `nil` for a random sample.
    public var parent: Int?
    /// History indices of the tournament sample, in draw order (empty for a random sample).
    public var tournament: [Int]

    /// A proposal of `genome`, mutated from `parent` after `tournament` (nil and empty for a random sample).
    public init(genome: Genome, parent: Int?, tournament: [Int]) {
        self.genome = genome
        self.parent = parent
        self.tournament = tournament
    }
}

/// The complete state of a search: a plain `Codable` value, so "checkpoint, restart, continue" gives
/// exactly the run that never stopped (the generator state is part of it).
public struct SearchState<Genome: Hashable & Codable>: Codable, Equatable {
    /// The generator every random choice draws from.
    public var generator: SeededGenerator
    /// Every evaluated member, in evaluation order.
    public var history: [Member<Genome>] = []
    /// The living population as history indices, oldest first (regularized evolution only).
    public var population: [Int] = []
    /// A proposal handed out and not yet recorded; proposing again returns it unchanged.
    public var pending: Proposal<Genome>?
    /// Seconds of evaluation consumed so far (sum of the recorded members' seconds).
    public var secondsUsed: Double = 0
    /// Training epochs consumed so far (see ``Budget/epochs``).
    public var epochsUsed: Int = 0

    /// A fresh search whose random choices come from `SeededGenerator(seed: seed)`.
    public init(seed: UInt64) {
        generator = SeededGenerator(seed: seed)
    }

    /// Decodes a checkpoint; one written before `epochsUsed` existed reads it as 0 (the driver
    /// rebuilds the state from the journal anyway when the counts disagree).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        generator = try c.decode(SeededGenerator.self, forKey: .generator)
        history = try c.decode([Member<Genome>].self, forKey: .history)
        population = try c.decode([Int].self, forKey: .population)
        pending = try c.decodeIfPresent(Proposal<Genome>.self, forKey: .pending)
        secondsUsed = try c.decode(Double.self, forKey: .secondsUsed)
        epochsUsed = try c.decodeIfPresent(Int.self, forKey: .epochsUsed) ?? 0
    }

    /// Evaluations so far (reused results included, as each costs one step of the budget).
    public var evaluationsUsed: Int { history.count }

    /// Every member's standing on the rungs (multi-fidelity searches; members without a bracket
    /// stand in bracket 0 with their one result).
    public var standings: [RungStanding] {
        history.map { RungStanding(bracket: $0.bracket ?? 0, results: $0.rungResults ?? [$0.result]) }
    }

    /// Evaluations that were not cache hits.
    public var freshEvaluations: Int { history.lazy.filter { !$0.reused }.count }

    /// Whether `budget` is used up (checked before each proposal).
    public func hasExhausted(_ budget: Budget) -> Bool {
        if let limit = budget.evaluations, evaluationsUsed >= limit { return true }
        if let limit = budget.seconds, secondsUsed >= limit { return true }
        if let limit = budget.epochs, epochsUsed >= limit { return true }
        return false
    }
}
