import Foundation
import TensorEngine

/// Where one named state value lives (references, so loading writes through to the layer).
public enum StateSlot {
    case parameter(Parameter)
    case runningMean(BatchNormStatistics)
    case runningVariance(BatchNormStatistics)
    /// PyTorch `num_batches_tracked`, an integer (I64 in safetensors).
    case batchesTracked(BatchNormStatistics)

    /// Whether the slot is a trainable parameter (not a batch-norm statistic).
    public var isParameter: Bool { if case .parameter = self { return true } else { return false } }
}

/// One saved value: float32 tensors, or an integer counter.
public enum StateValue: Equatable, Codable {
    case float32(Tensor)
    case int64(Int64)
}

/// A dotted name and the slot it refers to, e.g. `stem.1.running_mean`.
public struct NamedStateEntry {
    /// The dotted name, e.g. `stem.1.running_mean`.
    public var name: String
    /// Where the value lives.
    public var slot: StateSlot
    /// An entry named `name` for `slot`.
    public init(_ name: String, _ slot: StateSlot) { self.name = name; self.slot = slot }
}

extension Array where Element == NamedStateEntry {
    /// The same entries with `prefix.` put in front of every name.
    public func prefixed(by prefix: String) -> [NamedStateEntry] {
        map { NamedStateEntry(prefix.isEmpty ? $0.name : prefix + "." + $0.name, $0.slot) }
    }
}

/// Anything that owns parameters and buffers under stable dotted names (a layer or a network).
/// The order of `namedState` is the canonical order for optimizers and state dicts.
public protocol NamedStateProvider: AnyObject {
    var namedState: [NamedStateEntry] { get }
}

/// Errors loading a state dict.
public enum StateDictError: Error, CustomStringConvertible, LocalizedError, Equatable {
    case missing(names: [String])
    case unexpected(names: [String])
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    case typeMismatch(name: String, expected: String)

    /// What is wrong, naming the entries concerned.
    public var description: String {
        switch self {
        case .missing(let names): return "state dict is missing \(names.count) entr\(names.count == 1 ? "y" : "ies"): \(names.joined(separator: ", "))"
        case .unexpected(let names): return "state dict has \(names.count) unexpected entr\(names.count == 1 ? "y" : "ies"): \(names.joined(separator: ", "))"
        case let .shapeMismatch(name, expected, found): return "state dict entry '\(name)' has shape \(found), expected \(expected)"
        case let .typeMismatch(name, expected): return "state dict entry '\(name)' must be \(expected)"
        }
    }

    /// The same as ``description``.
    public var errorDescription: String? { description }
}

extension NamedStateProvider {
    /// Trainable parameters in canonical order with their names.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        namedState.compactMap { entry in
            if case .parameter(let p) = entry.slot { return (entry.name, p) } else { return nil }
        }
    }

    /// Trainable parameters in canonical order (the optimizer's order).
    public var parameters: [Parameter] { namedParameters.map(\.parameter) }

    /// Number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Every parameter and buffer as an ordered (name, value) list (values are copies).
    public func stateDict() -> [(name: String, value: StateValue)] {
        namedState.map { entry in
            switch entry.slot {
            case .parameter(let p): return (entry.name, .float32(p.value))
            case .runningMean(let s): return (entry.name, .float32(s.runningMean))
            case .runningVariance(let s): return (entry.name, .float32(s.runningVariance))
            case .batchesTracked(let s): return (entry.name, .int64(s.batchesTracked))
            }
        }
    }

    /// Loads every entry by name (strict: no missing, no unexpected names, same shapes and types).
    /// Nothing is written unless the whole dict validates.
    public func loadStateDict(_ entries: [(name: String, value: StateValue)]) throws {
        let given = Dictionary(entries.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
        let slots = namedState
        let missing = slots.map(\.name).filter { given[$0] == nil }
        if !missing.isEmpty { throw StateDictError.missing(names: missing) }
        let known = Set(slots.map(\.name))
        let unexpected = entries.map(\.name).filter { !known.contains($0) }
        if !unexpected.isEmpty { throw StateDictError.unexpected(names: unexpected) }
        for entry in slots { try Self.validate(given[entry.name]!, for: entry) }
        for entry in slots { Self.write(given[entry.name]!, to: entry.slot) }
    }

    private static func validate(_ value: StateValue, for entry: NamedStateEntry) throws {
        let expectedShape: [Int]
        switch entry.slot {
        case .parameter(let p): expectedShape = p.shape
        case .runningMean(let s), .runningVariance(let s): expectedShape = [s.channels]
        case .batchesTracked:
            guard case .int64 = value else { throw StateDictError.typeMismatch(name: entry.name, expected: "an int64 scalar") }
            return
        }
        guard case .float32(let t) = value else { throw StateDictError.typeMismatch(name: entry.name, expected: "a float32 tensor") }
        if t.shape != expectedShape { throw StateDictError.shapeMismatch(name: entry.name, expected: expectedShape, found: t.shape) }
    }

    private static func write(_ value: StateValue, to slot: StateSlot) {
        switch (slot, value) {
        case (.parameter(let p), .float32(let t)): p.value = t
        case (.runningMean(let s), .float32(let t)): s.runningMean = t
        case (.runningVariance(let s), .float32(let t)): s.runningVariance = t
        case (.batchesTracked(let s), .int64(let n)): s.batchesTracked = n
        default: preconditionFailure("validated above")
        }
    }
}
