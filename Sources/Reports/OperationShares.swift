import CellSpace
import RunModel

/// How often each operation appears in the population as the search goes: after evaluation t, the
/// share of each op among the 6 edges of every member alive — the last P records (REA's aging
/// population; for random search the same sliding window of P).
package struct OperationShares: Equatable {
    /// The operations in canonical order (`Operation.allCases`).
    package static let operations = Operation.allCases

    /// `shares[t][k]`: share (0…1) of `operations[k]` after record t; each row sums to 1.
    package let shares: [[Double]]

    /// O(n): a sliding window of counts. Records whose architecture string does not parse are
    /// left out of the window's counts (the share is over the edges that could be read).
    package init(records: [EvaluationRecord], window: Int) {
        let window = max(1, window)
        let cells = records.map { try? $0.cell() }
        var counts = [Int](repeating: 0, count: Self.operations.count)
        var rows: [[Double]] = []
        rows.reserveCapacity(records.count)
        func add(_ cell: Cell?, _ sign: Int) {
            for op in cell?.operations ?? [] { counts[op.canonicalPosition] += sign }
        }
        for t in records.indices {
            add(cells[t], 1)
            if t >= window { add(cells[t - window], -1) }
            let total = counts.reduce(0, +)
            rows.append(counts.map { total > 0 ? Double($0) / Double(total) : 0 })
        }
        shares = rows
    }

    /// The slow reference: recount the window from scratch for record t.
    static func reference(records: [EvaluationRecord], window: Int, at t: Int) -> [Double] {
        let members = records[max(0, t - max(1, window) + 1)...t].compactMap { try? $0.cell() }
        let ops = members.flatMap(\.operations)
        return operations.map { op in ops.isEmpty ? 0 : Double(ops.filter { $0 == op }.count) / Double(ops.count) }
    }
}
