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
package struct ArchitectureExport: Codable, Equatable {
    package struct Network: Codable, Equatable {
        package var channels: Int
        package var cellsPerStage: [Int]
        package var classes: Int?
        package var inputChannels: Int?
        package var inputSize: Int?

        enum CodingKeys: String, CodingKey {
            case channels, cellsPerStage = "cells_per_stage", classes, inputChannels = "input_channels", inputSize = "input_size"
        }
    }

    package var arch: String
    package var index: Int
    package var canonical: String
    package var valid: Bool
    package var fitnessKind: String
    package var fitness: Double?
    package var validAccuracy: Double
    package var testAccuracy: Double?
    package var msrs: Double?
    package var msrsNormalized: Double?
    package var params: Int
    package var flops: Int
    package var seed: UInt64
    package var candidate: Int
    package var evaluations: Int
    /// Epochs the answer was trained for (its fidelity; below `training.epochs` only when the
    /// budget ended before any candidate of a multi-fidelity run reached the top rung).
    package var epochs: Int
    package var network: Network
    package var weights: String?
    package var run: String
    package var retrainConfig: String
    package var retrainCommand: String

    enum CodingKeys: String, CodingKey {
        case arch, index, canonical, valid, fitnessKind = "fitness_kind", fitness, validAccuracy = "valid_accuracy"
        case testAccuracy = "test_accuracy", msrs, msrsNormalized = "msrs_normalized", params, flops, seed, candidate
        case evaluations, epochs, network, weights, run, retrainConfig = "retrain_config", retrainCommand = "retrain_command"
    }
}

extension ArchitectureExport {
    /// Builds the export of `summary.best` and writes the retraining config to `retrainConfigURL`.
    /// Missing weights are an error unless `allowMissingWeights` (then the export has no `weights` key).
    package static func make(from summary: RunSnapshot, retrainConfigURL: URL,
                             allowMissingWeights: Bool = false) throws -> ArchitectureExport {
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

        let weightsURL = summary.candidateFolder(best).appendingPathComponent(best.metrics.weights ?? "weights.safetensors")
        // The weights file records the full network shape (classes and input size come from the data).
        var weights: String?, spec: NetworkSpec?
        if FileManager.default.fileExists(atPath: weightsURL.path) {
            let file = try SafeTensors.read(from: weightsURL)  // verifies the file's checksum
            if let recorded = file.metadata[NetworkWeights.runFingerprintKey], let run = summary.binding?.fingerprint,
               recorded != run {
                throw SearchError.damaged(path: weightsURL.path, detail: "belongs to another search run (run fingerprint "
                                          + "\(recorded.prefix(12))…, this run's journal records \(run.prefix(12))…)")
            }
            spec = try NetworkWeights.architecture(in: file, path: weightsURL.path).1
            weights = weightsURL.path
        } else if !allowMissingWeights {
            throw SearchError.damaged(path: weightsURL.path, detail: "the weights of the best candidate (#\(best.candidateNumber), "
                                      + "index \(best.index)) are missing, so the export would be incomplete. Restore the "
                                      + "candidate folder, or pass --allow-missing-weights to export without weights "
                                      + "(the retrain command still reproduces them)")
        }
        try AtomicFile.write(try retrain.resolvedYAML(), to: retrainConfigURL)
        let retrainOut = summary.directory.url.appendingPathComponent("retrain-\(best.index)").path
        let command = "rednas train --config \(shellQuoted(retrainConfigURL.path)) --arch \(best.index) --out \(shellQuoted(retrainOut))"
        return ArchitectureExport(
            arch: best.arch, index: best.index, canonical: best.canonical, valid: cell.isValid,
            fitnessKind: config.fitness.kind.rawValue, fitness: summary.fitnessValue(best),
            validAccuracy: best.metrics.validAccuracy, testAccuracy: best.metrics.testAccuracy,
            msrs: best.metrics.msrs, msrsNormalized: best.metrics.msrsNormalized,
            params: best.metrics.params, flops: best.metrics.flops, seed: best.seed, candidate: best.candidateNumber,
            evaluations: summary.candidates.count, epochs: best.metrics.epochs,
            network: Network(channels: config.network.channels, cellsPerStage: config.network.stageCells,
                             classes: spec?.classes, inputChannels: spec?.inputChannels ?? config.dataset.channels,
                             inputSize: spec?.inputSize),
            weights: weights, run: summary.directory.url.path, retrainConfig: retrainConfigURL.path, retrainCommand: command)
    }

    package func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    package func yaml() throws -> String { try ResolvedConfig.yaml(self) }
}

/// Quotes a path for a POSIX shell when it needs it.
func shellQuoted(_ s: String) -> String {
    let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:")
    if s.unicodeScalars.allSatisfy({ safe.contains($0) }) { return s }
    return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
