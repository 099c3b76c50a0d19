import Foundation
import TensorEngine

/// A dotted name and the slot it refers to, e.g. `stem.1.running_mean`.
public struct NamedStateEntry {
    /// The dotted name, e.g. `stem.1.running_mean`.
    public var name: String
    /// Where the value lives.
    public var slot: StateSlot
    /// An entry naming `slot` `name`.
    public init(_ name: String, _ slot: StateSlot) { self.name = name; self.slot = slot }
}

extension Array where Element == NamedStateEntry {
    /// The same entries with `prefix.` put in front of every name.
    public func prefixed(by prefix: String) -> [NamedStateEntry] {
        map { NamedStateEntry(prefix.isEmpty ? $0.name : prefix + "." + $0.name, $0.slot) }
    }
}
