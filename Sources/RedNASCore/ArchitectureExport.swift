import CellSpace
import ConfigKit
import Foundation
import Persistence
import Configuration
import RunModel
import Search
import Training

/// What `rednas export` writes: the search's answer with everything needed to use, compare and
/// retrain it.
public struct ArchitectureExport: Codable, Equatable {
    public struct Network: Codable, Equatable {
        public var channels: Int
        public var cellsPerStage: [Int]
        public var classes: Int?
        public var inputChannels: Int?
        public var inputSize: Int?

        enum CodingKeys: String, CodingKey {
            case channels, cellsPerStage = "cells_per_stage", classes, inputChannels = "input_channels", inputSize = "input_size"
        }
    }

    public var arch: String
    public var index: Int
    public var canonical: String
    public var valid: Bool
    public var fitnessKind: String
    public var fitness: Double?
    public var validAccuracy: Double
    public var testAccuracy: Double?
    public var msrs: Double?
    public var msrsNormalized: Double?
    public var params: Int
    public var flops: Int
    public var seed: UInt64
    public var candidate: Int
    public var evaluations: Int
    public var network: Network
    public var weights: String?
    public var run: String
    public var retrainConfig: String
    public var retrainCommand: String

    enum CodingKeys: String, CodingKey {
        case arch, index, canonical, valid, fitnessKind = "fitness_kind", fitness, validAccuracy = "valid_accuracy"
        case testAccuracy = "test_accuracy", msrs, msrsNormalized = "msrs_normalized", params, flops, seed, candidate
        case evaluations, network, weights, run, retrainConfig = "retrain_config", retrainCommand = "retrain_command"
    }
}

extension ArchitectureExport {
    /// Builds the export of `summary.best` and writes the retraining config to `retrainConfigURL`.
    public static func make(from summary: RunSnapshot, retrainConfigURL: URL) throws -> ArchitectureExport {
        guard let best = summary.best else {
            throw SearchError.damaged(path: summary.directory.url.path, detail: "no finished evaluation yet: nothing to export")
        }
        let cell = try best.cell()
        let config = try summary.requiredConfig()
        var retrain = TrainRunConfig()
        retrain.dataset = config.dataset
        retrain.network = config.network
        retrain.training = config.training
        retrain.arch = String(best.index)
        retrain.seed = Int(best.seed)  // < 2^63 by construction (SearchSettings.candidateSeed)
        retrain.threads = config.threads
        retrain.output = config.output
        try AtomicFile.write(try retrain.resolvedYAML(), to: retrainConfigURL)

        let weightsURL = summary.candidateFolder(best).appendingPathComponent(best.metrics.weights ?? "weights.safetensors")
        let weights = FileManager.default.fileExists(atPath: weightsURL.path) ? weightsURL.path : nil
        // The weights file records the full network shape (classes and input size come from the data).
        let spec = weights.flatMap { path in
            (try? SafeTensors.read(from: URL(fileURLWithPath: path))).flatMap { try? NetworkWeights.architecture(in: $0, path: path).1 }
        }
        let retrainOut = summary.directory.url.appendingPathComponent("retrain-\(best.index)").path
        let command = "rednas train --config \(shellQuoted(retrainConfigURL.path)) --arch \(best.index) --out \(shellQuoted(retrainOut))"
        return ArchitectureExport(
            arch: best.arch, index: best.index, canonical: best.canonical, valid: cell.isValid,
            fitnessKind: config.fitness.kind.rawValue, fitness: summary.fitnessValue(best),
            validAccuracy: best.metrics.validAccuracy, testAccuracy: best.metrics.testAccuracy,
            msrs: best.metrics.msrs, msrsNormalized: best.metrics.msrsNormalized,
            params: best.metrics.params, flops: best.metrics.flops, seed: best.seed, candidate: best.number,
            evaluations: summary.records.count,
            network: Network(channels: config.network.channels, cellsPerStage: config.network.stageCells,
                             classes: spec?.classes, inputChannels: spec?.inputChannels ?? config.dataset.channels,
                             inputSize: spec?.inputSize),
            weights: weights, run: summary.directory.url.path, retrainConfig: retrainConfigURL.path, retrainCommand: command)
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    public func yaml() throws -> String { try ResolvedConfig.yaml(self) }
}

/// Quotes a path for a POSIX shell when it needs it.
func shellQuoted(_ s: String) -> String {
    let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:")
    if s.unicodeScalars.allSatisfy({ safe.contains($0) }) { return s }
    return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
