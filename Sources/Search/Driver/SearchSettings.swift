import CellSpace
import Evolution
import Randomness

/// What the driver needs to know of the config to run a search.
package struct SearchSettings: Equatable {
    package var algorithm: EvolutionarySearch<CellGenomeSpace>.Algorithm
    package var fitness: Fitness
    package var budget: Budget
    package var seed: UInt64
    package var space: SearchSpace
    /// Serve a cell whose canonical form was already evaluated from the run's history.
    package var reuseCanonical: Bool
    /// The multi-fidelity rungs (successive halving / Hyperband); nil = every candidate trains fully.
    package var ladder: FidelityLadder?
    /// Deterministic parallel mode (`search.parallel: generations`): proposals per generation; nil
    /// = asynchronous. The one-machine driver runs the same generations (see SearchDriver+Generations).
    package var generationSize: Int?
    /// Epochs of a candidate's full training (`training.epochs`): what a candidate still in a
    /// worker's hands will cost an epochs budget; nil = unknown (counted when it completes).
    package var trainingEpochs: Int?

    package init(algorithm: EvolutionarySearch<CellGenomeSpace>.Algorithm, fitness: Fitness, budget: Budget,
                seed: UInt64, space: SearchSpace = .natsTopology, reuseCanonical: Bool = false,
                ladder: FidelityLadder? = nil, generationSize: Int? = nil, trainingEpochs: Int? = nil) {
        self.algorithm = algorithm; self.fitness = fitness; self.budget = budget
        self.seed = seed; self.space = space; self.reuseCanonical = reuseCanonical; self.ladder = ladder
        self.generationSize = generationSize; self.trainingEpochs = trainingEpochs
    }

    /// The seed of candidate `number`: a function of the run seed and the number only, so a
    /// restarted candidate trains exactly as it would have. Kept below 2^63 so it is a valid config
    /// `seed` (the export's retrain config retrains the candidate with exactly this seed).
    package func candidateSeed(_ number: Int) -> UInt64 {
        var g = SeededGenerator(seed: seed, stream: 0xCA9D_0000 &+ UInt64(number))
        return g.next() >> 1
    }
}
