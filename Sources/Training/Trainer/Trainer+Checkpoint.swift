import Foundation
import RunModel
import Persistence
import Networks
import NeuralNet
import TensorEngine

/// What a checkpoint must match to be resumed by a trainer (same architecture, shape, recipe, seed
/// and data selection).
struct TrainingFingerprint: Codable, Equatable {
    var arch: String
    var spec: String
    var recipe: TrainingRecipe
    var seed: UInt64
    var trainImages: Int
    var validImages: Int?
    var testImages: Int?
    var trainIndexDigest: UInt64
}

/// The small JSON manifest that names the current checkpoint tensors. It is replaced atomically
/// after its tensors file is durable, so a kill at any moment leaves a consistent pair.
struct CheckpointManifest: Codable {
    static let formatTag = "rednas-training-checkpoint"
    /// 2: snake_case keys (`JSONStyle`); 1: camelCase keys, still read.
    static let currentVersion = 2
    var format: String
    var version: Int
    var epochsCompleted: Int
    var tensors: String
    var fingerprint: TrainingFingerprint
    var history: [EpochMetrics]
    /// The fingerprint of the search run the checkpoint belongs to (nil outside a run, or from before it).
    var run: String?
    /// CRC-32C of this manifest encoded (pretty, sorted keys, in its version's key style) without
    /// this field; nil in old checkpoints.
    var crc32c: String?

    /// The manifest in its version's key style: snake_case from version 2, camelCase before.
    func encoded() throws -> Data {
        if version >= 2 { return try JSONStyle.encoder().encode(self) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// This manifest with its checksum filled in.
    func sealed() throws -> CheckpointManifest {
        var copy = self
        copy.crc32c = nil
        copy.crc32c = CRC32C.hex(try copy.encoded())
        return copy
    }
}

extension Trainer {
    static let manifestName = "checkpoint.json"
    static let momentumPrefix = "momentum."

    var fingerprint: TrainingFingerprint {
        // FNV-1a over the training indices: a different subset must not resume this checkpoint.
        var digest: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in data.train.indices { digest = (digest ^ UInt64(i)) &* 0x100_0000_01b3 }
        return TrainingFingerprint(arch: cell.architectureString, spec: "\(spec)", recipe: recipe, seed: seed,
                                   trainImages: data.train.indices.count, validImages: data.valid?.indices.count,
                                   testImages: data.test?.indices.count, trainIndexDigest: digest)
    }

    /// Writes `checkpoint-epoch-NNNN.safetensors` (weights, BN statistics, momentum buffers), then
    /// atomically replaces `checkpoint.json` to point at it, then deletes older tensor files.
    func saveCheckpoint(epochsCompleted: Int, history: [EpochMetrics]) throws {
        guard let directory = checkpointDirectory else { return }
        let tensorsName = String(format: "checkpoint-epoch-%04d.safetensors", epochsCompleted)
        var entries = NetworkWeights.entries(of: network)
        for ((name, _), buffer) in zip(network.namedParameters, optimizer.state.momentumBuffers) {
            if let buffer { entries.append(.float32(Self.momentumPrefix + name, shape: buffer.shape, values: buffer.data)) }
        }
        var metadata = NetworkWeights.metadata(of: network)
        if let runFingerprint { metadata[NetworkWeights.runFingerprintKey] = runFingerprint }
        try SafeTensors(entries: entries, metadata: metadata)
            .write(to: directory.appendingPathComponent(tensorsName))
        let manifest = try CheckpointManifest(format: CheckpointManifest.formatTag, version: CheckpointManifest.currentVersion, epochsCompleted: epochsCompleted,
                                              tensors: tensorsName, fingerprint: fingerprint, history: history,
                                              run: runFingerprint).sealed()
        try AtomicFile.write(try manifest.encoded(), to: directory.appendingPathComponent(Self.manifestName))
        let stale = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in stale where name.hasPrefix("checkpoint-epoch-") && name.hasSuffix(".safetensors") && name != tensorsName {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    /// Restores weights, BN statistics and momentum from the checkpoint, returning the epochs
    /// already done; nil when there is no checkpoint.
    func resumeFromCheckpoint() throws -> [EpochMetrics]? {
        guard let directory = checkpointDirectory else { return nil }
        let manifestURL = directory.appendingPathComponent(Self.manifestName)
        guard FileManager.default.fileExists(atPath: manifestURL.path) else { return nil }
        func bad(_ detail: String) -> TrainingError { .checkpoint(path: manifestURL.path, detail: detail) }
        let manifest: CheckpointManifest
        do { manifest = try JSONStyle.decoder().decode(CheckpointManifest.self, from: Data(contentsOf: manifestURL)) } catch {
            throw bad("not a readable training checkpoint manifest (\(error.localizedDescription))")
        }
        guard manifest.format == CheckpointManifest.formatTag, (1...CheckpointManifest.currentVersion).contains(manifest.version) else {
            throw bad("unknown checkpoint format \(manifest.format) version \(manifest.version)")
        }
        // Checkpoints from before checksums carry none; what is present is verified.
        if let recorded = manifest.crc32c {
            let computed = try manifest.sealed().crc32c ?? ""
            guard computed == recorded else {
                throw bad("fails its checksum (recorded crc32c \(recorded), computed \(computed)) — the manifest was changed "
                          + "after it was written and cannot be trusted; remove the checkpoint folder to retrain this candidate from scratch")
            }
        }
        if let recorded = manifest.run, let runFingerprint, recorded != runFingerprint {
            throw bad("the checkpoint belongs to another search run (run fingerprint \(recorded.prefix(12))…, this run's is "
                      + "\(runFingerprint.prefix(12))…); remove the checkpoint folder to retrain this candidate from scratch")
        }
        guard manifest.fingerprint == fingerprint else {
            throw bad("the checkpoint belongs to a different training run (architecture, network, recipe, seed or data differ); "
                      + "use a new output folder or remove the checkpoint")
        }
        guard manifest.history.count == manifest.epochsCompleted, manifest.epochsCompleted <= recipe.epochs else {
            throw bad("epoch count \(manifest.epochsCompleted) does not match its history of \(manifest.history.count)")
        }
        let tensorsURL = directory.appendingPathComponent(manifest.tensors)
        let file: SafeTensors
        do { file = try SafeTensors.read(from: tensorsURL) } catch {
            throw TrainingError.checkpoint(path: tensorsURL.path, detail: "\(error); remove the checkpoint folder "
                                           + "\(directory.path) to retrain this candidate from scratch")
        }
        if let recorded = file.metadata[NetworkWeights.runFingerprintKey], let runFingerprint, recorded != runFingerprint {
            throw TrainingError.checkpoint(path: tensorsURL.path, detail: "belongs to another search run (run fingerprint "
                                           + "\(recorded.prefix(12))…, this run's is \(runFingerprint.prefix(12))…)")
        }
        try NetworkWeights.load(file, path: tensorsURL.path, into: network, ignoringPrefixes: [Self.momentumPrefix])
        var buffers: [Tensor?] = []
        for (name, parameter) in network.namedParameters {
            guard let entry = file[Self.momentumPrefix + name] else { buffers.append(nil); continue }
            guard entry.dtype == .f32, entry.shape == parameter.shape else {
                throw TrainingError.checkpoint(path: tensorsURL.path,
                                               detail: "momentum buffer '\(entry.name)' is \(entry.dtype.rawValue) \(entry.shape), expected F32 \(parameter.shape)")
            }
            buffers.append(Tensor(shape: entry.shape, data: entry.floats()))
        }
        try optimizer.restore(SGDState(momentumBuffers: buffers))
        return manifest.history
    }
}
