import CellSpace
import Networks
import NeuralNet
import Randomness

extension CellPruningPlan {
    /// A new network of shape `pruned` holding `network`'s state for everything that survives:
    /// stem, kept cells, both reductions, head and classifier — parameters, BN running statistics
    /// and `num_batches_tracked`, copied bit for bit under the renamed `cells.k′` names.
    /// - Precondition: `network.spec == original`.
    package func apply(to network: NATSNetwork) throws -> NATSNetwork {
        precondition(network.spec == original, "the plan was made for \(original), not \(network.spec)")
        let state = network.stateDict().compactMap { entry in
            prunedName(of: entry.name).map { (name: $0, value: entry.value) }
        }
        // Every value is overwritten below; the generator only satisfies the initialiser.
        var generator = SeededGenerator(seed: 0)
        let pruned = NATSNetwork(cell: network.cell, spec: self.pruned, generator: &generator)
        try pruned.loadStateDict(state)  // strict: every slot of the pruned network must be filled
        return pruned
    }
}
