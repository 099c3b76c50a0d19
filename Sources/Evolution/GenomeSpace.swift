import Randomness

/// What the search needs to know about its genomes: how to draw one uniformly and how to mutate one.
/// Both take the caller's generator, so a search is a pure function of its state.
public protocol GenomeSpace {
    associatedtype Genome: Hashable & Codable

    /// A uniformly random genome (the initial population and random search draw these).
    func randomGenome(using generator: inout SeededGenerator) -> Genome

    /// A child of `parent` (regularized evolution's only variation operator).
    func mutate(_ parent: Genome, using generator: inout SeededGenerator) -> Genome
}

/// A ``GenomeSpace`` made of two closures.
public struct ClosureGenomeSpace<Genome: Hashable & Codable>: GenomeSpace {
    private let sample: (inout SeededGenerator) -> Genome
    private let mutation: (Genome, inout SeededGenerator) -> Genome

    /// A space that draws with `random` and mutates with `mutate`.
    public init(random: @escaping (inout SeededGenerator) -> Genome,
                mutate: @escaping (Genome, inout SeededGenerator) -> Genome) {
        sample = random
        mutation = mutate
    }

    /// A genome from the `random` closure.
    public func randomGenome(using generator: inout SeededGenerator) -> Genome { sample(&generator) }
    /// A child of `parent` from the `mutate` closure.
    public func mutate(_ parent: Genome, using generator: inout SeededGenerator) -> Genome { mutation(parent, &generator) }
}
