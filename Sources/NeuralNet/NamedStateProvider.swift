import Foundation
import TensorEngine

/// Anything that owns parameters and buffers under stable dotted names (a layer or a network).
/// The order of `namedState` is the canonical order for optimizers and state dicts.
public protocol NamedStateProvider: AnyObject {
    var namedState: [NamedStateEntry] { get }
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
