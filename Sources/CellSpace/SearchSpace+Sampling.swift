import Randomness

/// One REA mutation: edge `edge` (string order) changes from `oldOperation` to `newOperation`.
public struct CellMutation: Hashable, Codable, Sendable {
    /// The edge's position in string order (0 … 5).
    public let edge: Int
    /// The edge's operation before the mutation.
    public let oldOperation: Operation
    /// The edge's operation after the mutation (always different from ``oldOperation``).
    public let newOperation: Operation

    /// The cell with this mutation applied.
    public func applied(to cell: Cell) -> Cell {
        var child = cell
        child[edge: edge] = newOperation
        return child
    }
}

extension SearchSpace {
    /// A uniformly random cell of this space: each edge's op drawn independently and uniformly
    /// from `operations` (edges in string order, one `int(below:)` draw each).
    public func randomCell(using generator: inout SeededGenerator) -> Cell {
        Cell(operations: (0..<Cell.edgeCount).map { _ in
            operations[generator.int(below: operations.count)]
        })
    }

    /// The REA mutation as the reference runs it: node 1, 2 or 3 uniformly, then one of its
    /// incoming edges uniformly, then an allowed op different from the edge's current one,
    /// uniformly. (So edge 1←0 is picked with probability 1/3, each 2←j with 1/6, each 3←j with 1/9.)
    /// If the current op is outside this space, every allowed op counts as different.
    public func randomMutation(of cell: Cell, using generator: inout SeededGenerator) -> CellMutation {
        let node = 1 + generator.int(below: Cell.nodeCount - 1)
        let edges = Cell.incomingEdgeIndices(of: node)
        let edge = edges.lowerBound + generator.int(below: edges.count)
        let current = cell[edge: edge]
        let candidates = operations.filter { $0 != current }
        // `init` guarantees at least 2 operations, so `candidates` is never empty.
        let replacement = candidates[generator.int(below: candidates.count)]
        return CellMutation(edge: edge, oldOperation: current, newOperation: replacement)
    }

    /// `cell` with one REA mutation applied (see `randomMutation(of:using:)`).
    public func mutated(_ cell: Cell, using generator: inout SeededGenerator) -> Cell {
        randomMutation(of: cell, using: &generator).applied(to: cell)
    }
}
