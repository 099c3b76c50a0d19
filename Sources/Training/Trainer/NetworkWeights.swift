import CellSpace
import Datasets
import Foundation
import Persistence
import Networks
import NeuralNet
import Randomness
import TensorEngine

/// `.safetensors` export and import of a `NATSNetwork` with the reference `TinyNetwork` names
/// (spec §7): F32 tensors, `num_batches_tracked` as I64 scalars, plus metadata describing the
/// network (`arch`, `index`, `channels`, `cells_per_stage`, `classes`, `input_channels`,
/// `input_size`) so a file alone can rebuild it. PyTorch's `load_state_dict` accepts the tensors.
package enum NetworkWeights {
    package static let formatTag = "rednas-nats-tss"
    /// Metadata key of the search run's fingerprint in the weights and checkpoints a run writes.
    package static let runFingerprintKey = "run_fingerprint"

    /// The network's state as safetensors entries, in state order.
    package static func entries(of network: NATSNetwork) -> [SafeTensors.Entry] {
        network.stateDict().map { name, value in
            switch value {
            case .float32(let t): return .float32(name, shape: t.shape, values: t.data)
            case .int64(let n): return .int64Scalar(name, n)
            }
        }
    }

    /// Metadata describing the network's architecture and shape.
    package static func metadata(of network: NATSNetwork) -> [String: String] {
        let spec = network.spec
        return ["format": formatTag, "arch": network.cell.architectureString, "index": String(network.cell.index),
                "channels": String(spec.channels),
                "cells_per_stage": spec.cellsPerStage.map(String.init).joined(separator: ","),
                "classes": String(spec.classes), "input_channels": String(spec.inputChannels),
                "input_size": String(spec.inputSize)]
    }

    /// Metadata keys of the input normalisation the network was trained with (0…1 units, one
    /// value per channel, comma-separated: `input = (pixel / 255 − mean[c]) / std[c]`).
    package static let meanKey = "input_mean", stdKey = "input_std"

    /// The metadata recording `normalization` (Float values printed so they read back exactly).
    package static func metadata(of normalization: Normalization) -> [String: String] {
        [meanKey: normalization.mean.map { "\($0)" }.joined(separator: ","),
         stdKey: normalization.std.map { "\($0)" }.joined(separator: ",")]
    }

    /// The normalisation a weights file records; nil for files written before it was recorded.
    ///
    /// - Throws: `WeightsError.badMetadata` when the keys are present but do not parse.
    package static func normalization(in file: SafeTensors, path: String) throws -> Normalization? {
        guard let mean = file.metadata[meanKey], let std = file.metadata[stdKey] else { return nil }
        let m = mean.split(separator: ",").map { Float(String($0)) }, s = std.split(separator: ",").map { Float(String($0)) }
        guard !m.contains(nil), !s.contains(nil), let n = try? Normalization(mean: m.map { $0! }, std: s.map { $0! }) else {
            throw WeightsError.badMetadata(path: path, key: meanKey, detail: "\(meanKey) '\(mean)' / \(stdKey) '\(std)' are not per-channel numbers")
        }
        return n
    }

    /// Writes the weights atomically; `extraMetadata` is merged over the standard keys.
    package static func export(_ network: NATSNetwork, to url: URL, extraMetadata: [String: String] = [:]) throws {
        let meta = metadata(of: network).merging(extraMetadata) { _, extra in extra }
        try SafeTensors(entries: entries(of: network), metadata: meta).write(to: url)
    }

    /// Loads `url` into `network` strictly (every tensor present, no extra, right dtype and shape).
    package static func load(from url: URL, into network: NATSNetwork) throws {
        try load(try SafeTensors.read(from: url), path: url.path, into: network)
    }

    /// Loads decoded `file` into `network`. Entries whose name starts with one of `ignoringPrefixes`
    /// are skipped (checkpoints keep optimizer state beside the weights). Nothing is written unless
    /// the whole file validates.
    package static func load(_ file: SafeTensors, path: String, into network: NATSNetwork,
                            ignoringPrefixes: [String] = []) throws {
        let byName = Dictionary(file.entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let slots = network.namedState
        let known = Set(slots.map(\.name))
        if let extra = file.entries.first(where: { e in !known.contains(e.name) && !ignoringPrefixes.contains { e.name.hasPrefix($0) } }) {
            throw WeightsError.unexpectedTensor(path: path, name: extra.name)
        }
        var state: [(name: String, value: StateValue)] = []
        for slot in slots {
            guard let entry = byName[slot.name] else { throw WeightsError.missingTensor(path: path, name: slot.name) }
            state.append((slot.name, try value(of: entry, for: slot, path: path)))
        }
        try network.loadStateDict(state)
    }

    /// Rebuilds the network a weights file describes (its metadata) and loads the weights into it.
    package static func loadNetwork(from url: URL) throws -> NATSNetwork {
        let file = try SafeTensors.read(from: url)
        let (cell, spec) = try architecture(in: file, path: url.path)
        var generator = SeededGenerator(seed: 0)
        let network = NATSNetwork(cell: cell, spec: spec, generator: &generator)
        try load(file, path: url.path, into: network)
        return network
    }

    /// `loadNetwork(from:)`, refusing a file whose architecture is not `specifier` (an index or a
    /// NATS string) when one is given.
    /// - Throws: `WeightsError.badMetadata` naming the file and both architectures.
    package static func loadNetwork(from url: URL, requiring specifier: String?) throws -> NATSNetwork {
        let network = try loadNetwork(from: url)
        if let specifier {
            let expected = try Cell(specifier: specifier)
            guard expected == network.cell else {
                throw WeightsError.badMetadata(path: url.path, key: "arch",
                    detail: "is \(network.cell.architectureString) (index \(network.cell.index)), not the requested "
                        + "\(expected.architectureString) (index \(expected.index))")
            }
        }
        return network
    }

    /// The cell and network shape recorded in a weights file's metadata.
    package static func architecture(in file: SafeTensors, path: String) throws -> (Cell, NetworkSpec) {
        func field(_ key: String) throws -> String {
            guard let value = file.metadata[key] else {
                throw WeightsError.badMetadata(path: path, key: key, detail: "is missing (cannot rebuild the network; pass the architecture explicitly)")
            }
            return value
        }
        func integer(_ key: String) throws -> Int {
            guard let n = Int(try field(key)) else { throw WeightsError.badMetadata(path: path, key: key, detail: "is not an integer") }
            return n
        }
        let cell: Cell
        do { cell = try Cell(architectureString: try field("arch")) } catch let error as WeightsError { throw error } catch {
            throw WeightsError.badMetadata(path: path, key: "arch", detail: "\(error)")
        }
        let stages = try field("cells_per_stage").split(separator: ",").map { Int($0) }
        guard stages.count == 3, stages.allSatisfy({ $0 != nil }) else {
            throw WeightsError.badMetadata(path: path, key: "cells_per_stage", detail: "must be three comma-separated integers")
        }
        do {
            let spec = try NetworkSpec(channels: try integer("channels"), cellsPerStage: stages.map { $0! },
                                       classes: try integer("classes"), inputChannels: try integer("input_channels"),
                                       inputSize: try integer("input_size"))
            return (cell, spec)
        } catch let error as NetworkSpecError {
            throw WeightsError.badMetadata(path: path, key: "network", detail: error.description)
        }
    }

    private static func value(of entry: SafeTensors.Entry, for slot: NamedStateEntry, path: String) throws -> StateValue {
        switch slot.slot {
        case .batchesTracked:
            guard entry.dtype == .i64 else {
                throw WeightsError.wrongDType(path: path, name: entry.name, expected: "I64", found: entry.dtype.rawValue)
            }
            guard entry.shape == [] else { throw WeightsError.wrongShape(path: path, name: entry.name, expected: [], found: entry.shape) }
            return .int64(entry.int64s()[0])
        case .parameter(let p):
            return .float32(try floats(entry, shape: p.shape, path: path))
        case .runningMean(let s), .runningVariance(let s):
            return .float32(try floats(entry, shape: [s.channels], path: path))
        }
    }

    private static func floats(_ entry: SafeTensors.Entry, shape: [Int], path: String) throws -> Tensor {
        guard entry.dtype == .f32 else {
            throw WeightsError.wrongDType(path: path, name: entry.name, expected: "F32", found: entry.dtype.rawValue)
        }
        guard entry.shape == shape else { throw WeightsError.wrongShape(path: path, name: entry.name, expected: shape, found: entry.shape) }
        return Tensor(shape: shape, data: entry.floats())
    }
}

/// A weights file that does not fit the network; names the file and the tensor.
package enum WeightsError: Error, CustomStringConvertible, LocalizedError, Equatable {
    case missingTensor(path: String, name: String)
    case unexpectedTensor(path: String, name: String)
    case wrongShape(path: String, name: String, expected: [Int], found: [Int])
    case wrongDType(path: String, name: String, expected: String, found: String)
    case badMetadata(path: String, key: String, detail: String)

    package var description: String {
        switch self {
        case let .missingTensor(path, name): return "\(path): tensor '\(name)' is missing (the file does not match this architecture)"
        case let .unexpectedTensor(path, name): return "\(path): unexpected tensor '\(name)' (the file does not match this architecture)"
        case let .wrongShape(path, name, expected, found): return "\(path): tensor '\(name)' has shape \(found), expected \(expected)"
        case let .wrongDType(path, name, expected, found): return "\(path): tensor '\(name)' has dtype \(found), expected \(expected)"
        case let .badMetadata(path, key, detail): return "\(path): metadata '\(key)' \(detail)"
        }
    }

    package var errorDescription: String? { description }
}
