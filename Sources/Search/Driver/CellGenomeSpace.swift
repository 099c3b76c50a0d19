import CellSpace
import Evolution
import Randomness

/// Adapts the NATS cell space to the generic evolution module: uniform sampling and the REA
/// mutation, both restricted to the space's operation set.
package struct CellGenomeSpace: GenomeSpace {
    package let space: SearchSpace

    package init(_ space: SearchSpace) { self.space = space }

    package func randomGenome(using generator: inout SeededGenerator) -> Cell {
        space.randomCell(using: &generator)
    }

    package func mutate(_ parent: Cell, using generator: inout SeededGenerator) -> Cell {
        space.mutated(parent, using: &generator)
    }
}
