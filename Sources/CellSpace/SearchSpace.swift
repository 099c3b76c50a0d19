import Foundation

/// The set of operations a search may place on cell edges. The full NATS-Bench topology space
/// allows all five; a user may restrict it (e.g. without `avg_pool_3x3`).
///
/// `operations` is kept in the canonical order whatever order the user listed them in, so
/// formatting and sampling are stable.
public struct SearchSpace: Hashable, Sendable {
    /// Nodes per cell (input and output included); search-space files must say 4.
    public static let nodeCount = Cell.nodeCount

    /// The allowed operations, in canonical order; at least 2, no duplicates.
    public let operations: [Operation]

    /// The full NATS-Bench topology space: all five operations.
    public static let natsTopology = SearchSpace(validated: Operation.allCases)

    /// A space allowing `operations`. Throws `SearchSpaceError` for an empty list, a duplicate,
    /// or fewer than 2 operations (mutation would have nothing to change to).
    public init(operations: [Operation]) throws {
        guard !operations.isEmpty else { throw SearchSpaceError.empty }
        var seen = Set<Operation>()
        for (position, op) in operations.enumerated() where !seen.insert(op).inserted {
            throw SearchSpaceError.duplicate(name: op.rawValue, position: position)
        }
        guard operations.count >= 2 else { throw SearchSpaceError.tooFewOperations(operations.map(\.rawValue)) }
        self.init(validated: operations)
    }

    /// A space from benchmark operation names (`none`, `skip_connect`, `nor_conv_1x1`,
    /// `nor_conv_3x3`, `avg_pool_3x3`), as read from a search-space file. Throws `SearchSpaceError`
    /// naming the offending entry and its 0-based position in the list.
    public init(operationNames names: [String]) throws {
        guard !names.isEmpty else { throw SearchSpaceError.empty }
        let operations = try names.enumerated().map { position, name -> Operation in
            guard let op = Operation(rawValue: name) else {
                throw SearchSpaceError.unknownOperation(name: name, position: position)
            }
            return op
        }
        try self.init(operations: operations)
    }

    private init(validated operations: [Operation]) {
        self.operations = Operation.allCases.filter(operations.contains)
    }

    /// The benchmark names of the allowed operations, in canonical order.
    public var operationNames: [String] { operations.map(\.rawValue) }

    /// Number of cells in this space: |ops|^6.
    public var cellCount: Int { (0..<Cell.edgeCount).reduce(1) { acc, _ in acc * operations.count } }

    /// True if every edge of `cell` carries an allowed operation.
    public func contains(_ cell: Cell) -> Bool {
        cell.operations.allSatisfy(operations.contains)
    }
}

// A space encodes as its list of operation names; decoding validates like `init(operationNames:)`.
extension SearchSpace: Codable {
    /// Decodes a list of operation names, validated like ``init(operationNames:)``.
    ///
    /// - Throws: `DecodingError.dataCorrupted` with the validation message.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let names = try container.decode([String].self)
        do {
            try self.init(operationNames: names)
        } catch let error as SearchSpaceError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the space as its list of operation names.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(operationNames)
    }
}

/// A search-space definition that cannot be used.
public enum SearchSpaceError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case empty
    case unknownOperation(name: String, position: Int)
    case duplicate(name: String, position: Int)
    case tooFewOperations([String])

    /// What is wrong with the operation list, and the known operations.
    public var description: String {
        let known = Operation.allCases.map(\.rawValue).joined(separator: ", ")
        switch self {
        case .empty:
            return "the search space lists no operations; use some of: \(known)"
        case .unknownOperation(let name, let position):
            return "unknown operation \"\(name)\" (entry \(position) of the operation list); known operations: \(known)"
        case .duplicate(let name, let position):
            return "operation \"\(name)\" is listed twice (again at entry \(position) of the operation list)"
        case .tooFewOperations(let names):
            return "the search space allows only \(names.joined(separator: ", ")); it needs at least 2 operations so that mutation can change an edge"
        }
    }

    /// The same as ``description``.
    public var errorDescription: String? { description }
}
