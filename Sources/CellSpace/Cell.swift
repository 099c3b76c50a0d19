/// One directed edge of a cell: `target ← source`, with `source < target`.
public struct CellEdge: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The node the edge starts from.
    public let source: Int
    /// The node the edge feeds (greater than ``source``).
    public let target: Int

    /// `target←source`, e.g. `3←1`.
    public var description: String { "\(target)←\(source)" }
}

/// A NATS-Bench topology cell: 4 nodes (0 = input, 3 = output) and one operation on each of the
/// 6 edges `j → i` (j < i). Node i is the sum of `op(node j)` over its incoming edges.
///
/// Edges are stored in the benchmark's string order `1←0, 2←0, 2←1, 3←0, 3←1, 3←2`
/// (`Cell.edges`). A value is always complete: exactly 6 operations.
public struct Cell: Hashable, Sendable {
    /// Number of nodes, input and output included.
    public static let nodeCount = 4
    /// Number of edges (`nodeCount·(nodeCount−1)/2`).
    public static let edgeCount = 6

    /// The edges in string order: index `e` of `operations` is the op on `edges[e]`.
    public static let edges: [CellEdge] = (1..<nodeCount).flatMap { target in
        (0..<target).map { CellEdge(source: $0, target: target) }
    }

    /// The operation on each edge, in the order of `Cell.edges`.
    public private(set) var operations: [Operation]

    /// A cell from its 6 edge operations in string order. Precondition: `operations.count == 6`.
    public init(operations: [Operation]) {
        precondition(operations.count == Cell.edgeCount, "a cell has exactly 6 edge operations")
        self.operations = operations
    }

    /// A cell with the same operation on every edge.
    public init(repeating operation: Operation) {
        operations = Array(repeating: operation, count: Cell.edgeCount)
    }

    /// Index into `Cell.edges` of the edge `target ← source`, or `nil` if there is no such edge
    /// (it needs 0 ≤ source < target ≤ 3).
    public static func edgeIndex(target: Int, source: Int) -> Int? {
        guard target >= 1, target < nodeCount, source >= 0, source < target else { return nil }
        return target * (target - 1) / 2 + source
    }

    /// The incoming edges of node `target` (1...3) as indices into `Cell.edges`, sources ascending.
    /// Precondition: 1 ≤ target ≤ 3.
    public static func incomingEdgeIndices(of target: Int) -> Range<Int> {
        precondition(target >= 1 && target < nodeCount, "node \(target) has no incoming edges")
        let first = target * (target - 1) / 2
        return first..<(first + target)
    }

    /// The operation on edge `edge` (string order). Precondition: 0 ≤ edge < 6.
    public subscript(edge edge: Int) -> Operation {
        get { operations[edge] }
        set { operations[edge] = newValue }
    }

    /// The operation on edge `target ← source`. Precondition: 0 ≤ source < target ≤ 3.
    public subscript(target target: Int, source source: Int) -> Operation {
        get { operations[Cell.checkedEdgeIndex(target: target, source: source)] }
        set { operations[Cell.checkedEdgeIndex(target: target, source: source)] = newValue }
    }

    private static func checkedEdgeIndex(target: Int, source: Int) -> Int {
        guard let e = edgeIndex(target: target, source: source) else {
            preconditionFailure("no edge \(target)←\(source) in a 4-node cell")
        }
        return e
    }

    /// How many edges carry each operation (every operation present, zero counts included).
    public var operationCounts: [Operation: Int] {
        var counts = Dictionary(uniqueKeysWithValues: Operation.allCases.map { ($0, 0) })
        for op in operations { counts[op, default: 0] += 1 }
        return counts
    }
}

// A cell encodes as its NATS string, so checkpoints and reports read like the benchmark.
extension Cell: Codable {
    /// Decodes a NATS architecture string.
    ///
    /// - Throws: `DecodingError.dataCorrupted` with the parse error's message.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Cell(architectureString: text)
        } catch let error as ArchitectureStringError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the cell as its NATS architecture string.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(architectureString)
    }
}
