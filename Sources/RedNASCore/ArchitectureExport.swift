import CellSpace
import ConfigKit
import Foundation
import Persistence
import Configuration
import Datasets
import Reports
import RunModel
import Search
import Training

/// What `rednas export` writes: the search's answer with everything needed to use, compare and
/// retrain it — the input normalisation, the `TinyNetwork` constructor arguments and a PyTorch
/// recipe, the top candidates and the Pareto front, and two training configs: `retrain_config`
/// (the full protocol) and `reproduce_config` (the search's own protocol, which reproduces the
/// candidate's numbers bit for bit).
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

    /// `input = (pixel / 255 − mean[c]) / std[c]` per channel, 0…1 units (torchvision's `Normalize`
    /// after `ToTensor`), exactly the values training used.
    package struct InputNormalization: Codable, Equatable {
        package var mean: [Double]
        package var std: [Double]
        package var formula = "input[c] = (pixel[c] / 255 - mean[c]) / std[c], NCHW float32"
    }

    /// The arguments of the NATS-Bench reference `TinyNetwork(C, N, genotype, num_classes)`
    /// (xautodl), whose tensor names the weights file uses, plus what it hard-codes.
    package struct TinyNetworkArguments: Codable, Equatable {
        /// C: channels of the first stage.
        package var c: Int
        /// N: cells per stage; nil when the stages differ (`cells_per_stage`), which `TinyNetwork` cannot build.
        package var n: Int?
        /// The NATS string, for `Structure.str2structure`.
        package var genotype: String
        package var numClasses: Int?
        /// `TinyNetwork`'s stem is `Conv2d(3, C, 3, padding=1, bias=False)`: for other values swap
        /// `stem[0]`. Nil only for an `idx` dataset exported without its weights file.
        package var inChannels: Int?
        package var inputSize: Int?

        enum CodingKeys: String, CodingKey {
            case c, n, genotype, numClasses = "num_classes", inChannels = "in_channels", inputSize = "input_size"
        }
    }

    /// One candidate of `top_k` or `pareto_front`.
    package struct Candidate: Codable, Equatable {
        package var candidate: Int
        package var index: Int
        package var arch: String
        package var validAccuracy: Double
        package var testAccuracy: Double?
        package var msrsNormalized: Double?
        package var fitness: Double?
        package var params: Int
        package var flops: Int
        package var weights: String?

        enum CodingKeys: String, CodingKey {
            case candidate, index, arch, validAccuracy = "valid_accuracy", testAccuracy = "test_accuracy"
            case msrsNormalized = "msrs_normalized", fitness, params, flops, weights
        }
    }

    package var schemaVersion = JSONStyle.schemaVersion
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
    package var normalization: InputNormalization?
    package var tinyNetwork: TinyNetworkArguments
    /// Python that loads `weights` into `TinyNetwork` and scores images (tested by tools/test_export_pytorch.py).
    package var pytorchRecipe: [String]
    package var weights: String?
    package var run: String
    /// The best `top_k` candidates under the run's fitness, best first (results the cache reused are
    /// listed once, under the candidate that trained them).
    package var topK: [Candidate]
    /// The non-dominated candidates on (valid accuracy ↑, normalised MSRS ↓), by MSRS ascending.
    package var paretoFront: [Candidate]
    /// Under a scheduler, the fidelity (epochs) `top_k` and `pareto_front` are compared at: the
    /// highest rung reached; candidates stopped at lower rungs are not listed. Nil without one.
    package var comparedAtEpochs: Int?
    /// The full protocol (`retrain_protocol`): what to train the answer with to report it.
    package var retrainConfig: String
    package var retrainProtocol: String
    package var retrainCommand: String
    /// The search's own protocol and seed: reproduces the candidate's recorded numbers exactly.
    package var reproduceConfig: String
    package var reproduceCommand: String

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case arch, index, canonical, valid, fitnessKind = "fitness_kind", fitness, validAccuracy = "valid_accuracy"
        case testAccuracy = "test_accuracy", msrs, msrsNormalized = "msrs_normalized", params, flops, seed, candidate
        case evaluations, epochs, network, normalization, tinyNetwork = "tiny_network", pytorchRecipe = "pytorch_recipe"
        case weights, run, topK = "top_k", paretoFront = "pareto_front", comparedAtEpochs = "compared_at_epochs"
        case retrainConfig = "retrain_config", retrainProtocol = "retrain_protocol", retrainCommand = "retrain_command"
        case reproduceConfig = "reproduce_config", reproduceCommand = "reproduce_command"
    }
}

extension ArchitectureExport {
    /// The full protocol's epochs (NATS-Bench hp "200"; spec nats-tss.md §5).
    package static let fullProtocolEpochs = 200

    /// Where the two training configs of an export go, and the protocol of `retrain_config`.
    package struct Targets {
        package var retrainConfig: URL
        package var reproduceConfig: URL
        /// Epochs of `retrain_config` (default: the full protocol's 200).
        package var retrainEpochs = ArchitectureExport.fullProtocolEpochs
        /// Candidates in `top_k`.
        package var topK = 5

        package init(export: URL) {
            retrainConfig = export.deletingPathExtension().appendingPathExtension("train.yaml")
            reproduceConfig = export.deletingPathExtension().appendingPathExtension("reproduce.yaml")
        }
    }

    /// Builds the export of `summary.best` and writes its two training configs.
    /// Missing weights are an error unless `allowMissingWeights` (then the export has no `weights` key).
    package static func make(from summary: RunSnapshot, targets: Targets,
                             allowMissingWeights: Bool = false) throws -> ArchitectureExport {
        guard let best = summary.best else {
            throw SearchError.damaged(path: summary.directory.url.path, detail: "no finished evaluation yet: nothing to export")
        }
        let cell = try best.cell()
        let config = try summary.requiredConfig()
        var reproduce = TrainRunConfig()
        reproduce.dataset = config.dataset
        reproduce.network = config.network
        reproduce.training = config.training
        reproduce.arch = String(best.index)
        reproduce.seed = Int(best.seed)  // < 2^63 by construction (SearchSettings.candidateSeed)
        reproduce.threads = config.threads
        reproduce.output = config.output
        // The full protocol: every image of the training split, the benchmark's epochs.
        var retrain = reproduce
        retrain.training.epochs = targets.retrainEpochs
        (retrain.dataset.trainSubset, retrain.dataset.validSubset, retrain.dataset.testSubset) = (0, 0, 0)

        let weightsURL = summary.candidateFolder(best).appendingPathComponent(best.metrics.weights ?? "weights.safetensors")
        // The weights file records the full network shape (classes and input size come from the data)
        // and the normalisation training used.
        var weights: String?, spec: NetworkSpec?, normalization: Datasets.Normalization?
        if FileManager.default.fileExists(atPath: weightsURL.path) {
            let file = try SafeTensors.read(from: weightsURL)  // verifies the file's checksum
            if let recorded = file.metadata[NetworkWeights.runFingerprintKey], let run = summary.binding?.fingerprint,
               recorded != run {
                throw SearchError.damaged(path: weightsURL.path, detail: "belongs to another search run (run fingerprint "
                                          + "\(recorded.prefix(12))…, this run's journal records \(run.prefix(12))…)")
            }
            spec = try NetworkWeights.architecture(in: file, path: weightsURL.path).1
            normalization = try NetworkWeights.normalization(in: file, path: weightsURL.path)
            weights = weightsURL.path
        } else if !allowMissingWeights {
            throw SearchError.damaged(path: weightsURL.path, detail: "the weights of the best candidate (#\(best.candidateNumber), "
                                      + "index \(best.index)) are missing, so the export would be incomplete. Restore the "
                                      + "candidate folder, or pass --allow-missing-weights to export without weights "
                                      + "(the retrain command still reproduces them)")
        }
        // Weights from before the normalisation was recorded: resolve it as training did (needs the data).
        if normalization == nil {
            normalization = try? ProtocolSetup.resolve(dataset: config.dataset, network: config.network,
                                                       training: config.training).data.normalization
        }
        try AtomicFile.write(try retrain.resolvedYAML(), to: targets.retrainConfig)
        try AtomicFile.write(try reproduce.resolvedYAML(), to: targets.reproduceConfig)
        let folder = summary.directory.url
        func command(_ config: URL, out: String) -> String {
            "rednas train --config \(shellQuoted(config.path)) --arch \(best.index) --out \(shellQuoted(folder.appendingPathComponent(out).path))"
        }
        let stages = config.network.stageCells
        let inChannels = spec?.inputChannels ?? config.dataset.channels
        // One record per candidate (under a scheduler, the highest rung it reached); top-K and the
        // front compare only the candidates at the highest fidelity reached (fitness is compared
        // within a fidelity).
        let pool = summary.candidates
        let analysis = RunAnalysis(records: pool, fitness: summary.fitness, journal: summary.records)
        let compared = Set(pool.atHighestFidelity)
        let trained = pool.indices.filter { compared.contains($0) && !pool[$0].reused }
        let top = analysis.top(pool.count).filter { compared.contains($0) && !pool[$0].reused }.prefix(targets.topK)
        let front = RunAnalysis.paretoFront(trained.map { pool[$0].result }).map { trained[$0] }
        func entry(_ position: Int) -> Candidate {
            let r = pool[position]
            let file = summary.candidateFolder(r).appendingPathComponent(r.metrics.weights ?? "weights.safetensors")
            return Candidate(candidate: r.candidateNumber, index: r.index, arch: r.arch, validAccuracy: r.metrics.validAccuracy,
                             testAccuracy: r.metrics.testAccuracy, msrsNormalized: r.metrics.msrsNormalized,
                             fitness: summary.fitnessValue(r), params: r.metrics.params, flops: r.metrics.flops,
                             weights: FileManager.default.fileExists(atPath: file.path) ? file.path : nil)
        }
        return ArchitectureExport(
            arch: best.arch, index: best.index, canonical: best.canonical, valid: cell.isValid,
            fitnessKind: config.fitness.kind.rawValue, fitness: summary.fitnessValue(best),
            validAccuracy: best.metrics.validAccuracy, testAccuracy: best.metrics.testAccuracy,
            msrs: best.metrics.msrs, msrsNormalized: best.metrics.msrsNormalized,
            params: best.metrics.params, flops: best.metrics.flops, seed: best.seed, candidate: best.candidateNumber,
            evaluations: summary.candidates.count, epochs: best.metrics.epochs,
            network: Network(channels: config.network.channels, cellsPerStage: stages,
                             classes: spec?.classes, inputChannels: inChannels, inputSize: spec?.inputSize),
            normalization: normalization.map { InputNormalization(mean: $0.mean.map(Double.init), std: $0.std.map(Double.init)) },
            tinyNetwork: TinyNetworkArguments(c: config.network.channels, n: Set(stages).count == 1 ? stages[0] : nil,
                                              genotype: best.arch, numClasses: spec?.classes, inChannels: inChannels,
                                              inputSize: spec?.inputSize),
            pytorchRecipe: pytorchRecipe,
            weights: weights, run: folder.path,
            topK: top.map(entry), paretoFront: front.map(entry), comparedAtEpochs: pool.highestFidelity,
            retrainConfig: targets.retrainConfig.path,
            retrainProtocol: "\(retrain.training.epochs) epochs, batch \(retrain.training.batchSize), every image of the "
                + "training split (no subsets); the search trained \(config.training.epochs) epochs"
                + (config.dataset.trainSubset > 0 ? " on \(config.dataset.trainSubset) images" : ""),
            retrainCommand: command(targets.retrainConfig, out: "retrain-\(best.index)"),
            reproduceConfig: targets.reproduceConfig.path,
            reproduceCommand: command(targets.reproduceConfig, out: "reproduce-\(best.index)"))
    }

    /// Loading the export's weights into the NATS-Bench reference network with PyTorch (xautodl's
    /// `TinyNetwork`, whose tensor names the file uses); `e` is the export read with `json.load`.
    package static let pytorchRecipe = [
        "import json, torch",
        "from safetensors.torch import load_file",
        "from xautodl.models.cell_infers.tiny_network import TinyNetwork",
        "from xautodl.models.cell_searchs.genotypes import Structure",
        "e = json.load(open('export.json')); t = e['tiny_network']",
        "net = TinyNetwork(t['c'], t['n'], Structure.str2structure(t['genotype']), t['num_classes'])",
        "if t['in_channels'] != 3:  # TinyNetwork's stem is hard-coded for 3 channels",
        "    net.stem[0] = torch.nn.Conv2d(t['in_channels'], t['c'], 3, padding=1, bias=False)",
        "net.load_state_dict(load_file(e['weights'])); net.eval()",
        "mean = torch.tensor(e['normalization']['mean']).view(1, -1, 1, 1)",
        "std = torch.tensor(e['normalization']['std']).view(1, -1, 1, 1)",
        "_, logits = net((pixels.float() / 255 - mean) / std)  # pixels: uint8 NCHW",
    ]

    package func json() throws -> String {
        String(decoding: try JSONStyle.encoder().encode(self), as: UTF8.self) + "\n"
    }

    /// YAML with no line folding, so every value (the commands above all) is one line to copy.
    package func yaml() throws -> String { try ResolvedConfig.yaml(self, width: .max) }
}

/// Quotes a path for a POSIX shell when it needs it.
func shellQuoted(_ s: String) -> String {
    let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:")
    if s.unicodeScalars.allSatisfy({ safe.contains($0) }) { return s }
    return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
