import Randomness

/// Which search ``EvolutionarySearch`` runs.
public enum SearchAlgorithm: Equatable, Sendable {
    /// Regularized (aging) evolution with population P and tournament size S.
    case regularizedEvolution(populationSize: Int, sampleSize: Int)
    /// Uniform random sampling; the answer is the best evaluated.
    case randomSearch
}

/// Regularized evolution (Real et al. 2019, as NATS-Bench runs it) and its random-search baseline,
/// driven one step at a time so that a caller can evaluate, journal and checkpoint in between:
///
///     var state = SearchState<Genome>(seed: 1)
///     while !state.hasExhausted(budget) {
///         let proposal = search.propose(&state)          // deterministic given `state`
///         let result = evaluate(proposal.genome)           // the slow part, outside this module
///         search.record(result, seconds: elapsed, into: &state)
///     }
///     let answer = search.answer(in: state)
///
/// Regularized evolution: while fewer than `populationSize` members have been evaluated, propose a
/// random genome; afterwards draw `sampleSize` members of the population uniformly **with replacement**,
/// take the best of that sample by the fitness (first on ties, in draw order) as parent and propose its
/// mutation. Recording appends the child to the population and, once it holds more than
/// `populationSize`, removes the **oldest** member (aging), whatever its fitness.
public struct EvolutionarySearch<Space: GenomeSpace> {
    /// The genomes the space holds.
    public typealias Genome = Space.Genome

    /// Regularized evolution or random search (``SearchAlgorithm``).
    public typealias Algorithm = SearchAlgorithm

    /// Where genomes are drawn and mutated.
    public let space: Space
    /// How candidates are proposed.
    public let algorithm: Algorithm
    /// How candidates are compared (tournaments and the answer).
    public let fitness: Fitness

    /// - Precondition: population and sample sizes ≥ 1 (validated by the configuration layer).
    public init(space: Space, algorithm: Algorithm, fitness: Fitness = .accuracy) {
        if case let .regularizedEvolution(population, sample) = algorithm {
            precondition(population >= 1 && sample >= 1, "population and sample sizes must be positive")
        }
        self.space = space
        self.algorithm = algorithm
        self.fitness = fitness
    }

    /// The next genome to evaluate. Advances `state.generator` and stores the proposal in
    /// `state.pending`; while a proposal is pending it is returned again without drawing anything.
    public func propose(_ state: inout SearchState<Genome>) -> Proposal<Genome> {
        if let pending = state.pending { return pending }
        let proposal: Proposal<Genome>
        switch algorithm {
        case .randomSearch:
            proposal = Proposal(genome: space.randomGenome(using: &state.generator), parent: nil, tournament: [])
        case let .regularizedEvolution(populationSize, sampleSize):
            if state.history.count < populationSize || state.population.isEmpty {
                proposal = Proposal(genome: space.randomGenome(using: &state.generator), parent: nil, tournament: [])
            } else {
                let sample = (0..<sampleSize).map { _ in
                    state.population[state.generator.int(below: state.population.count)]
                }
                let best = fitness.bestIndex(sample.map { state.history[$0].result })!
                let parent = sample[best]
                let child = space.mutate(state.history[parent].genome, using: &state.generator)
                proposal = Proposal(genome: child, parent: parent, tournament: sample)
            }
        }
        state.pending = proposal
        return proposal
    }

    /// Records the result of the pending proposal: appends it to the history (and the population,
    /// aging out the oldest member), adds `seconds` to the budget used, clears `pending`.
    /// - Precondition: a proposal is pending (call ``propose(_:)`` first).
    public func record(_ result: EvaluationResult, reused: Bool = false, seconds: Double,
                       into state: inout SearchState<Genome>) {
        guard let proposal = state.pending else {
            preconditionFailure("record(_:into:) without a pending proposal")
        }
        state.history.append(Member(genome: proposal.genome, result: result, reused: reused,
                                    parent: proposal.parent, seconds: seconds))
        state.secondsUsed += seconds
        state.pending = nil
        if case let .regularizedEvolution(populationSize, _) = algorithm {
            state.population.append(state.history.count - 1)
            if state.population.count > populationSize { state.population.removeFirst() }
        }
    }

    /// History index of the search's answer: the best member of the whole history by the fitness
    /// (see ``Fitness/answerIndex(_:)``); `nil` before the first evaluation.
    public func answer(in state: SearchState<Genome>) -> Int? {
        fitness.answerIndex(state.history.map(\.result))
    }

    /// Runs to the end of `budget` with an in-process evaluator returning (result, seconds); for tests
    /// and simple callers. Stops early (state kept, nothing pending lost) when `evaluate` throws.
    public func run(_ state: inout SearchState<Genome>, budget: Budget,
                    evaluate: (Genome) throws -> (result: EvaluationResult, seconds: Double)) rethrows {
        while !state.hasExhausted(budget) {
            let proposal = propose(&state)
            let outcome = try evaluate(proposal.genome)
            record(outcome.result, seconds: outcome.seconds, into: &state)
        }
    }
}
