import Evolution
import Randomness

/// A toy genome space for search tests: 6 positions, each 0..<5 (like NATS-Bench's 6 edges × 5 ops).
/// Random: each position uniform. Mutation: one position uniformly, then a different value uniformly.
public struct FakeGenomeSpace: GenomeSpace {
    public static let length = 6
    public static let values = 5

    public init() {}

    public func randomGenome(using generator: inout SeededGenerator) -> [Int] {
        (0..<Self.length).map { _ in generator.int(below: Self.values) }
    }

    public func mutate(_ parent: [Int], using generator: inout SeededGenerator) -> [Int] {
        var child = parent
        let position = generator.int(below: Self.length)
        let shift = 1 + generator.int(below: Self.values - 1)  // any value but the current one
        child[position] = (parent[position] + shift) % Self.values
        return child
    }
}

/// A fast deterministic stand-in for "train and score a network": every number is a fixed function
/// of the genome, so searches over it are reproducible and finish in microseconds.
/// - accuracy (%) = 50 + Σ weight_i · g_i with distinct weights (so 4,4,4,4,4,4 is the unique best);
/// - normalised MSRS = (Σ g_i) / 24 ... clipped to [0, 1]; undefined when g_0 == g_5 == 1;
/// - diverged when every position is 0;
/// - seconds = 1 + Σ g_i (a fake training time for seconds budgets).
public struct FakeEvaluator {
    public static let weights: [Double] = [1.0, 1.5, 0.5, 2.0, 0.75, 1.25]

    public init() {}

    public func accuracy(_ genome: [Int]) -> Double {
        50 + zip(Self.weights, genome).map { $0 * Double($1) }.reduce(0, +)
    }

    public func evaluate(_ genome: [Int]) -> EvaluationResult {
        if genome.allSatisfy({ $0 == 0 }) { return .diverged() }
        let total = Double(genome.reduce(0, +))
        let msrs: Double? = genome[0] == 1 && genome[5] == 1 ? nil : min(1, total / 24)
        return EvaluationResult(validAccuracy: accuracy(genome), normalizedMSRS: msrs,
                                testAccuracy: accuracy(genome) - 1)
    }

    public func seconds(_ genome: [Int]) -> Double { 1 + Double(genome.reduce(0, +)) }

    /// `evaluate` and `seconds` together, in the shape `EvolutionarySearch.run` takes.
    public func callAsFunction(_ genome: [Int]) -> (result: EvaluationResult, seconds: Double) {
        (evaluate(genome), seconds(genome))
    }
}
