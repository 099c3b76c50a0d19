import Foundation

/// A journal as a store read it.
package struct StoredJournal: Sendable {
    package var records: [EvaluationRecord]
    /// Where each record is, for messages ("line 7").
    package var positions: [String]
    /// nil: a run from before bindings (or a store that never recorded one).
    package var binding: RunBinding?
    /// Whether the store holds a journal at all (a missing one is not the same as an empty one).
    package var exists: Bool
    /// A torn final record that was skipped (readers do not repair), described.
    package var tornTail: String?

    package init(records: [EvaluationRecord], positions: [String], binding: RunBinding?, exists: Bool, tornTail: String? = nil) {
        self.records = records; self.positions = positions; self.binding = binding
        self.exists = exists; self.tornTail = tornTail
    }
}
