import Randomness

// The benchmark's architecture index: itertools.product order, then CPython
// `random.seed(88); random.shuffle(list)` (NATS-Bench spec §2).

extension Cell {
    /// Number of cells in the full space: 5^6 = 15,625.
    public static let spaceSize = 15_625

    /// The cell the benchmark numbers `index`. Throws `ArchitectureIndexError` unless
    /// 0 ≤ index < 15,625. O(1) after the first call builds the table (O(15,625)).
    public init(index: Int) throws {
        guard index >= 0, index < Cell.spaceSize else { throw ArchitectureIndexError(text: String(index)) }
        self.init(lexicographicRank: BenchmarkIndexTable.shared.rankAtIndex[index])
    }

    /// The benchmark's index of this cell. O(1) after the table is built.
    public var index: Int { BenchmarkIndexTable.shared.indexAtRank[lexicographicRank] }

    /// Position in `itertools.product(ops, repeat=6)` order: the operations' canonical positions
    /// read as a base-5 number, edge 1←0 most significant.
    public var lexicographicRank: Int {
        operations.reduce(0) { $0 * 5 + $1.canonicalPosition }
    }

    /// The cell at `rank` in `itertools.product` order. Precondition: 0 ≤ rank < 15,625.
    public init(lexicographicRank rank: Int) {
        precondition(rank >= 0 && rank < Cell.spaceSize, "lexicographic rank out of range")
        var ops = [Operation](repeating: .none, count: Cell.edgeCount)
        var rest = rank
        for e in stride(from: Cell.edgeCount - 1, through: 0, by: -1) {
            ops[e] = Operation(canonicalPosition: rest % 5)
            rest /= 5
        }
        self.init(operations: ops)
    }

    /// All 15,625 cells in benchmark index order.
    public static var allInIndexOrder: [Cell] {
        BenchmarkIndexTable.shared.rankAtIndex.map(Cell.init(lexicographicRank:))
    }
}

/// The permutation between lexicographic rank and benchmark index, computed once on first use
/// (Swift initialises static stored properties lazily and thread-safely).
struct BenchmarkIndexTable: Sendable {
    static let shared = BenchmarkIndexTable()

    /// `rankAtIndex[i]` = lexicographic rank of the cell with benchmark index i.
    let rankAtIndex: [Int]
    /// The inverse permutation.
    let indexAtRank: [Int]

    private init() {
        var ranks = Array(0..<Cell.spaceSize)
        var random = PythonRandom(seed: 88)
        random.shuffle(&ranks)
        var inverse = [Int](repeating: 0, count: Cell.spaceSize)
        for (index, rank) in ranks.enumerated() { inverse[rank] = index }
        rankAtIndex = ranks
        indexAtRank = inverse
    }
}
