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

    package init(number: Int, cell: Cell, seed: UInt64, runFingerprint: String? = nil) {
        self.number = number; self.cell = cell; self.seed = seed; self.runFingerprint = runFingerprint
    }
}
