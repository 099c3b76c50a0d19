import ArgumentParser
import Foundation
import Persistence
import RedNASCore
import Configuration
import Training

/// `rednas msrs`: redundancy score of a trained network from its weights file, or of any model from
/// its activation files.
struct MSRSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "msrs",
        abstract: "Measure MSRS (Model Structural Redundancy Score) of trained weights or of activation files, with an optional CKA heatmap.",
        usage: "rednas msrs --config <config> --weights <file> [--arch <arch>] [--json]\n  [--heatmap <svg>] [--set <key=value> ...] [--threads <n>]\nrednas msrs --activations <file> ... [--pooling gap|flatten]\n  [--kind unbiased|biased] [--json] [--heatmap <svg>] [--threads <n>]",
        discussion: """
            The config's `dataset` and `msrs` sections choose the images (default: the first 10 \
            unshuffled batches of 256 of the valid split) and the aggregation (β = 100, τ = 0.8); \
            `threads` (or --threads) the compute threads. Any config RedNAS writes works (a \
            search's config.yaml, a train run's config.yaml, export.train.yaml); sections msrs \
            does not use are ignored. Example:

              rednas msrs --config RUN/config.yaml --heatmap cka.svg \\
                --weights RUN/candidates/0003-09930/weights.safetensors

            Any model (e.g. PyTorch, via tools/rednas_taps.py): one safetensors file per batch, or \
            one with a batch axis; README "Redundancy of your own model (PyTorch)" documents the format.

              rednas msrs --activations acts/batch-*.safetensors --heatmap cka.svg
            """)

    @Option(help: "Architecture index or NATS string; must match the weights file (optional).")
    var arch: String?

    @Option(help: "The .safetensors weights file (written by rednas train/search).")
    var weights: String?

    @Option(help: "Any RedNAS config (dataset, msrs and threads are used).")
    var config: String?

    @OptionGroup var external: ActivationOptions

    @Option(name: .customLong("set"), help: "Override a config value: key.path=value (repeatable).")
    var overrides: [String] = []

    @OptionGroup var threads: ThreadsOption

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "Write the CKA heatmap as SVG to this file.")
    var heatmap: String?

    func validate() throws {
        if external.activations.isEmpty {
            guard weights != nil, config != nil else {
                throw ValidationError("give --config and --weights (a RedNAS network) or --activations FILE… (another framework's activations)")
            }
            guard external.pooling == nil, external.kind == nil else {
                throw ValidationError("--pooling and --kind go with --activations; with --config use its msrs section")
            }
        } else {
            guard weights == nil, config == nil, arch == nil, overrides.isEmpty else {
                throw ValidationError("--activations cannot be combined with --config, --weights, --arch or --set")
            }
        }
    }

    func run() throws {
        if !external.activations.isEmpty {
            let m = try external.measure(threads: threads)
            try ActivationReport.printMSRS(m, files: external.activations, json: json, heatmap: heatmap)
            return
        }
        guard let config, let weights else { return }
        let experiment = try ExperimentConfig.load(contentsOfFile: config, overrides: overrides)
        try InputChecks.requireFile(weights, option: "--weights")
        // The one thread rule of search and train: the same workers, so the same bits.
        threads.apply(config: experiment.threads)
        let m = try InputChecks.namingConfig(config) {
            try WeightsRedundancy.measure(weights: URL(fileURLWithPath: weights), arch: arch, config: experiment)
        }
        if let heatmap {
            guard let svg = try m.heatmapSVG() else { throw ValidationError("no usable batch: MSRS is undefined, no heatmap to draw") }
            try AtomicFile.write(svg, to: URL(fileURLWithPath: heatmap))
        }
        if json {
            var object = try JSONStyle.object(m.result)
            object["labels"] = m.labels
            object["index"] = m.cell.index
            object["arch"] = m.cell.architectureString
            object["seconds"] = m.seconds
            object["threads"] = ComputeThreadSetting.current
            print(try JSONStyle.text(object))
        } else {
            print("index \(m.cell.index) \(m.cell.architectureString)")
            print("layers L = \(m.result.layers), pairs = \(m.result.pairs), batches used \(m.result.batchesUsed) (\(m.imagesUsed) images)")
            if let msrs = m.result.msrs, let norm = m.result.msrsNormalized {
                print(String(format: "MSRS %.4f  normalised %.4f  (%.2fs)", msrs, norm, m.seconds))
            } else {
                var reason = "no usable batch"
                if case let .undefined(why) = m.result.score { reason = why }
                print("MSRS undefined: \(reason)")
            }
            if let adjacent = m.result.adjacent {
                print("adjacent CKA: " + zip(m.labels.dropLast(), adjacent).map { String(format: "%@→ %.3f", $0, $1) }.joined(separator: ", "))
            }
            if let heatmap { print("heatmap: \(heatmap)") }
        }
    }
}
