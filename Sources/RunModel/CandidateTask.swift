import CellSpace

/// One candidate the search asks to be trained and scored.
public struct CandidateTask: Equatable, Sendable {
    /// 0-based evaluation number within the run.
    public var number: Int
    public var cell: Cell
    /// The candidate's own seed (weight init, data order, augmentation), derived from the run seed.
    public var seed: UInt64

    public init(number: Int, cell: Cell, seed: UInt64) {
        self.number = number; self.cell = cell; self.seed = seed
    }
}
