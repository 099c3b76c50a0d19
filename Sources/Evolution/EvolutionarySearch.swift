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
                // Members may stand at different fidelities: compared only within one (Fitness+Fidelity).
                let best = fitness.bestIndex(sample.map { state.history[$0].result },
                                             fidelities: sample.map { state.history[$0].fidelity })!
                let parent = sample[best]
                let child = space.mutate(state.history[parent].genome, using: &state.generator)
                proposal = Proposal(genome: child, parent: parent, tournament: sample)
            }
        }
        state.pending = proposal
        return proposal
    }

    /// Records the result of the pending proposal: appends it to the history (and the population,
    /// aging out the oldest member), adds `seconds` and `epochs` to the budget used, clears `pending`.
    /// With a `bracket` (multi-fidelity search) the member starts its rung results with `result`,
    /// measured after `epochs` epochs.
    /// - Precondition: a proposal is pending (call ``propose(_:)`` first).
    public func record(_ result: EvaluationResult, reused: Bool = false, seconds: Double, epochs: Int = 0,
                       bracket: Int? = nil, into state: inout SearchState<Genome>) {
        guard let proposal = state.pending else {
            preconditionFailure("record(_:into:) without a pending proposal")
        }
        var member = Member(genome: proposal.genome, result: result, reused: reused,
                            parent: proposal.parent, seconds: seconds)
        if let bracket { (member.bracket, member.rungResults, member.epochs) = (bracket, [result], epochs) }
        state.history.append(member)
        state.secondsUsed += seconds
        state.epochsUsed += epochs
        state.pending = nil
        if case let .regularizedEvolution(populationSize, _) = algorithm {
            state.population.append(state.history.count - 1)
            if state.population.count > populationSize { state.population.removeFirst() }
        }
    }

    /// Records a promotion: member `candidate` was trained on to `epochs` epochs in all (costing
    /// `addedEpochs` epochs and `seconds` seconds) and measured `result` at its next rung, which
    /// becomes its result (it keeps its place in the population: its age is its birth).
    /// - Precondition: `candidate` is a multi-fidelity member (recorded with a bracket).
    public func promote(_ candidate: Int, to result: EvaluationResult, epochs: Int, addedEpochs: Int, seconds: Double,
                        into state: inout SearchState<Genome>) {
        precondition(state.history[candidate].rungResults != nil, "promote(_:) of a single-fidelity member")
        state.history[candidate].result = result
        state.history[candidate].rungResults!.append(result)
        state.history[candidate].epochs = epochs
        state.history[candidate].seconds += seconds
        state.secondsUsed += seconds
        state.epochsUsed += addedEpochs
    }

    /// History index of the search's answer: the best member of the whole history by the fitness
    /// (see ``Fitness/answerIndex(_:)``) among those at the highest fidelity reached (see
    /// ``Fitness/answerIndex(_:fidelities:)``); `nil` before the first evaluation.
    public func answer(in state: SearchState<Genome>) -> Int? {
        fitness.answerIndex(state.history.map(\.result), fidelities: state.history.map(\.fidelity))
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
