import ConfigKit
import Evolution

/// The `search` section: algorithm, population, budget, space.
package struct SearchConfig: Codable, Equatable, ConfigValidatable {
    package enum Algorithm: String, Codable, CaseIterable, ConfigEnumeration {
        /// Regularized evolution (aging evolution), as NATS-Bench runs it.
        case rea
        /// Uniform random sampling under the same budget (baseline).
        case random
    }

    /// How a search with many workers (`rednas search --storage`, `rednas worker`) proposes and commits.
    package enum Parallel: String, Codable, CaseIterable, ConfigEnumeration {
        /// Asynchronous evolution: a freed worker gets a proposal from the population as it is
        /// then, results join it as they arrive (the result depends on worker count and speed).
        case asynchronous
        /// Fixed generations of `generation_size` proposals, each made from the state after the
        /// whole previous generation; results join in proposal order. The result is a function of
        /// config and seed alone, whatever the workers, and equals the one-machine run.
        case generations
    }

    /// `rea` or `random`.
    package var algorithm: Algorithm = .rea
    /// REA population size P. Reference: 10.
    package var population: Int = 10
    /// REA tournament size S (drawn with replacement), 1 ≤ S ≤ P. Reference: 3.
    package var sampleSize: Int = 3
    /// When to stop (evaluations, seconds and/or epochs).
    package var budget = BudgetConfig()
    /// Multi-fidelity scheduling (early stopping of weak candidates); `kind: none` by default.
    package var scheduler = SchedulerConfig()
    /// `asynchronous` (default) or `generations` (deterministic; not with a scheduler).
    package var parallel: Parallel = .asynchronous
    /// `generations`: proposals per generation (a config value, so the result does not depend on
    /// how many workers run it).
    package var generationSize: Int = 8
    /// Reuse the result of an architecture canonically equal to one already evaluated instead of
    /// training it again (it still counts as one evaluation of the budget). Not used under a
    /// scheduler: there every candidate trains (an earlier twin may stand at another fidelity).
    package var cache: Bool = true
    /// The search space: `nats-tss` = the standard space built into the binary (the text of
    /// `SearchSpaces/nats-tss.yaml`); any other value is the path of a space file.
    package var space: String = "nats-tss"
    /// Restrict the candidate operations (names from the space, e.g. [none, skip_connect, nor_conv_3x3]).
    package var ops: [String]? = nil

    enum CodingKeys: String, CodingKey { case algorithm, population, sampleSize = "sample_size", budget, scheduler, parallel,
                                       generationSize = "generation_size", cache, space, ops }

    package init() {}

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self), d = Self()
        algorithm = try c.decode(.algorithm, default: d.algorithm)
        population = try c.decode(.population, default: d.population)
        sampleSize = try c.decode(.sampleSize, default: d.sampleSize)
        budget = try c.decode(.budget, default: d.budget)
        scheduler = try c.decode(.scheduler, default: d.scheduler)
        parallel = try c.decode(.parallel, default: d.parallel)
        generationSize = try c.decode(.generationSize, default: d.generationSize)
        cache = try c.decode(.cache, default: d.cache)
        space = try c.decode(.space, default: d.space)
        ops = try c.decodeIfPresent([String].self, forKey: .ops)
    }

    package func validate() throws {
        try require(population >= 1, "population", "must be at least 1, found \(population)")
        try require(sampleSize >= 1 && sampleSize <= population, "sample_size",
                    "must be between 1 and population (\(population)), found \(sampleSize)")
        try require(generationSize >= 1, "generation_size", "must be at least 1, found \(generationSize)")
        // Promotions depend on which results have arrived: only asynchronous scheduling has them.
        try require(parallel == .asynchronous || scheduler.kind == .none, "parallel",
                    "generations cannot be combined with search.scheduler.kind \(scheduler.kind.rawValue) "
                    + "(use parallel: asynchronous, or scheduler kind: none)")
        try require(!space.isEmpty, "space", "give nats-tss (the built-in space) or a search-space file")
        if let ops {
            try require(!ops.isEmpty, "ops", "must list at least one operation")
            try require(Set(ops).count == ops.count, "ops", "lists an operation twice")
        }
    }

    /// Proposals per generation in `generations` mode; nil for asynchronous.
    package var generations: Int? { parallel == .generations ? generationSize : nil }

    /// The Evolution module's algorithm value.
    package var evolutionAlgorithm: SearchAlgorithm {
        algorithm == .rea ? .regularizedEvolution(populationSize: population, sampleSize: sampleSize) : .randomSearch
    }
}

/// `search.budget`: the search stops when any limit is reached. Without a `budget` section the
/// budget is 100 evaluations; a `budget` section must give at least one limit.
package struct BudgetConfig: Codable, Equatable, ConfigValidatable {
    /// Candidates evaluated (cache hits included).
    package var evaluations: Int? = 100
    /// Seconds of evaluation time (wall clock of the evaluations).
    package var seconds: Double? = nil
    /// Training epochs, summed over candidates (a promotion adds the epochs it trains; a cached
    /// result costs none): the measure of compute that compares runs with and without a scheduler.
    package var epochs: Int? = nil

    package init(evaluations: Int? = 100, seconds: Double? = nil, epochs: Int? = nil) {
        self.evaluations = evaluations
        self.seconds = seconds
        self.epochs = epochs
    }

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        evaluations = try c.decodeIfPresent(Int.self, forKey: .evaluations)
        seconds = try c.decodeIfPresent(Double.self, forKey: .seconds)
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs)
    }

    package func validate() throws {
        try require(evaluations != nil || seconds != nil || epochs != nil, nil, "give evaluations, seconds or epochs (one or more)")
        if let evaluations { try require(evaluations >= 1, "evaluations", "must be at least 1, found \(evaluations)") }
        if let seconds { try require(seconds > 0, "seconds", "must be > 0, found \(seconds)") }
        if let epochs { try require(epochs >= 1, "epochs", "must be at least 1, found \(epochs)") }
    }

    /// The Evolution module's budget value.
    package var budget: Budget { Budget(evaluations: evaluations, seconds: seconds, epochs: epochs) }
}

/// The `fitness` section: how candidates are compared (MSRS spec §6). Accuracies are in percent,
/// MSRS is normalised to [0, 1]; an undefined MSRS counts as 1 and a diverged candidate ranks last.
package struct FitnessConfig: Codable, Equatable, ConfigValidatable {
    package enum Kind: String, Codable, CaseIterable, ConfigEnumeration {
        /// Validation accuracy only (plain REA).
        case accuracy
        /// accuracy − lambda · MSRS.
        case penalty
        /// MSRS ≤ bound first (by accuracy), the rest after.
        case constraint
        /// Within epsilon points of the best accuracy, lower MSRS wins.
        case lexicographic
        /// Non-dominated rank on (accuracy ↑, MSRS ↓), then crowding distance; answer = most accurate of the front.
        case pareto
    }

    /// `accuracy`, `penalty`, `constraint`, `lexicographic` or `pareto`.
    package var kind: Kind = .accuracy
    /// `penalty`: accuracy points lost per unit of normalised MSRS. 10 means a network whose layer pairs
    /// are all redundant (MSRS 1) loses 10 points; a 0.1 difference in MSRS is worth 1 point.
    package var lambda: Double = 10
    /// `constraint`: the largest admissible normalised MSRS.
    package var bound: Double = 0.5
    /// `lexicographic`: accuracy tolerance in points.
    package var epsilon: Double = 0.5

    package init() {}

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self), d = Self()
        kind = try c.decode(.kind, default: d.kind)
        lambda = try c.decode(.lambda, default: d.lambda)
        bound = try c.decode(.bound, default: d.bound)
        epsilon = try c.decode(.epsilon, default: d.epsilon)
    }

    package func validate() throws {
        try require(lambda >= 0, "lambda", "must be ≥ 0, found \(lambda)")
        try require((0...1).contains(bound), "bound", "must be in [0, 1] (normalised MSRS), found \(bound)")
        try require(epsilon >= 0, "epsilon", "must be ≥ 0 (accuracy points), found \(epsilon)")
    }

    /// The Evolution module's fitness value.
    package var fitness: Fitness {
        Fitness(kind: Fitness.Kind(rawValue: kind.rawValue)!, lambda: lambda, bound: bound, epsilon: epsilon)
    }
}
