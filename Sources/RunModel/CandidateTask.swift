import CellSpace

/// One candidate the search asks to be trained and scored.
package struct CandidateTask: Equatable, Sendable {
    /// 0-based evaluation number within the run.
    package var number: Int
    package var cell: Cell
    /// The candidate's own seed (weight init, data order, augmentation), derived from the run seed.
    package var seed: UInt64
    /// The fingerprint of the run the candidate belongs to (its config and space), recorded in its
    /// checkpoints and weights; nil outside a bound run.
    package var runFingerprint: String?
    /// Train through this many epochs of the protocol and stop there, keeping the checkpoint to
    /// continue from (a multi-fidelity rung); nil = the whole protocol. The protocol itself (its
    /// learning-rate schedule over all its epochs) is the same either way.
    package var epochs: Int?

    package init(number: Int, cell: Cell, seed: UInt64, runFingerprint: String? = nil, epochs: Int? = nil) {
        self.number = number; self.cell = cell; self.seed = seed; self.runFingerprint = runFingerprint
        self.epochs = epochs
    }
}
