import ArgumentParser
import Foundation
import RedNASCore
import Configuration
import RunModel
import Training

/// `rednas prune`: similarity-guided layer pruning of trained weights, then fine-tuning.
struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove the normal cells whose representation barely changes (lowest-CKA cells stay), fine-tune, write prune.json and weights.safetensors.",
        usage: "rednas prune --config <config> --weights <file> (--keep K | --ratio R)\n  [--arch <arch>] [--finetune-epochs <n>] [--finetune-lr <lr>]\n  [--out <dir>] [--overwrite] [--set <k=v> ...] [--threads <n>] [--json]",
        discussion: """
            The config is a search config: `dataset` and `training` give the fine-tuning protocol \
            and the test images, `msrs` the images the adjacent CKA is measured on. Cell at body \
            index b has similarity CKA(tap b, tap b+1) (its input vs its output); the K lowest are \
            kept, the stem, both reductions and the head always stay. Example:

              rednas prune --weights /tmp/t1/weights.safetensors --ratio 0.5 \\
                --config Configs/quickstart.yaml --out /tmp/pruned
            """)

    @Option(help: "Architecture index or NATS string; must match the weights file (optional).")
    var arch: String?

    @Option(help: "The trained .safetensors weights (written by rednas train/search).")
    var weights: String

    @Option(help: "A search config (dataset, training and msrs sections are used).")
    var config: String

    @Option(parsing: .unconditional, help: "Number of normal cells to keep (0 ... cell count).")
    var keep: Int?

    @Option(parsing: .unconditional, help: "Fraction of normal cells to keep, in (0, 1] (K = round(r·cells), at least 1).")
    var ratio: Double?

    @Option(name: .customLong("finetune-epochs"), parsing: .unconditional, help: "Fine-tuning epochs after pruning (0 = none).")
    var finetuneEpochs = 1

    @Option(name: .customLong("finetune-lr"), parsing: .unconditional,
            help: "Learning rate of the fine-tuning (default: the config's training.lr; e.g. 0.01 for a trained network).")
    var finetuneLR: Double?

    @Option(help: "Output folder (default: <weights folder>/pruned).")
    var out: String?

    @Flag(help: "Replace the prune.json and weights.safetensors of an earlier prune in the output folder.")
    var overwrite = false

    @Option(name: .customLong("set"), help: "Override a config value: key.path=value (repeatable).")
    var overrides: [String] = []

    @OptionGroup var threads: ThreadsOption

    @Flag(help: "Print prune.json instead of a summary.")
    var json = false

    func validate() throws {
        switch (keep, ratio) {
        case (nil, nil): throw ValidationError("give --keep K (cells to keep) or --ratio R (fraction to keep)")
        case (.some, .some): throw ValidationError("give either --keep or --ratio, not both")
        default: break
        }
        if let keep, keep < 0 { throw ValidationError("--keep must be ≥ 0, got \(keep)") }
        if let ratio, !(ratio > 0 && ratio <= 1) { throw ValidationError("--ratio must be in (0, 1], got \(ratio)") }
        if finetuneEpochs < 0 { throw ValidationError("--finetune-epochs must be ≥ 0, got \(finetuneEpochs)") }
        if let finetuneLR, !(finetuneLR > 0 && finetuneLR.isFinite) {
            throw ValidationError("--finetune-lr must be a positive number, got \(finetuneLR)")
        }
    }

    func run() throws {
        var experiment = try ExperimentConfig.load(contentsOfFile: config, overrides: overrides)
        if let finetuneLR { experiment.training.lr = finetuneLR }  // The training section only drives the fine-tuning.
        threads.apply(config: experiment.threads)
        try InputChecks.requireFile(weights, option: "--weights")
        let weightsURL = URL(fileURLWithPath: weights)
        let directory = URL(fileURLWithPath: out ?? weightsURL.deletingLastPathComponent().appendingPathComponent("pruned").path)
        // Refuse before the work, not after: an earlier result is not replaced by accident.
        let earlier = ["prune.json", "weights.safetensors"].filter {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path)
        }
        if !earlier.isEmpty && !overwrite {
            throw ValidationError("\(directory.path) already holds an earlier prune (\(earlier.joined(separator: ", "))); "
                + "pass --overwrite to replace it or --out DIR to write elsewhere")
        }
        let network = try NetworkWeights.loadNetwork(from: weightsURL, requiring: arch)
        let target: KeepTarget = keep.map { .count($0) } ?? .ratio(ratio!)
        let line = ProgressLine.automatic(quiet: json)
        let outcome = try InputChecks.namingConfig(config) {
            try LayerPruning(config: experiment).run(network, keep: target, finetuneEpochs: finetuneEpochs) { p in
                line.update(String(format: "fine-tune epoch %d/%d  step %d/%d  loss %.4f", p.epoch, p.epochs, p.step, p.steps, p.loss ?? .nan))
            }
        }
        line.finish()
        try LayerPruning.write(outcome, to: directory)
        if json {
            print(String(decoding: try outcome.report.json(), as: UTF8.self))
        } else {
            print(Self.summary(outcome.report, directory: directory))
        }
    }

    static func summary(_ r: PruneReport, directory: URL) -> String {
        func pct(_ x: Double?) -> String { x.map { String(format: "%.2f%%", $0) } ?? "-" }
        func score(_ s: PruneSnapshot) -> String {
            guard let msrs = s.msrs, let norm = s.msrsNormalized else { return "undefined" }
            return String(format: "%.2f (%.3f, L %d)", msrs, norm, s.layers)
        }
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, n - s.count))
            return left ? fill + s : s + fill
        }
        func columns(_ a: String, _ b: String, _ c: String, _ d: String, _ e: String, _ f: String) -> String {
            pad(a, 20) + pad(b, 11) + pad(c, 10, left: true) + pad(d, 13, left: true) + pad(e, 10, left: true) + "  " + f
        }
        func row(_ name: String, _ s: PruneSnapshot) -> String {
            columns(name, "\(s.cellsPerStage)", "\(s.params)", "\(s.flops)", pct(s.testAccuracy), score(s))
        }
        var lines = ["index \(r.index) \(r.arch): kept \(r.keep) of \(r.cellCount) normal cells"]
        lines.append("kept:    " + r.kept.map { String(format: "cell %d (s=%.3f)", $0.ordinal, $0.similarity) }.joined(separator: ", "))
        lines.append("removed: " + r.removed.map { String(format: "cell %d (s=%.3f)", $0.ordinal, $0.similarity) }.joined(separator: ", "))
        lines.append(columns("", "cells", "params", "FLOPs", "test acc", "MSRS (normalised, layers)"))
        lines.append(row("trained", r.before))
        lines.append(row("pruned", r.pruned))
        lines.append(row("fine-tuned (\(r.finetuneEpochs) ep)", r.after))
        if let d = r.diverged { lines.append("fine-tuning \(d)") }
        lines.append("wrote \(directory.appendingPathComponent("prune.json").path) and weights.safetensors")
        return lines.joined(separator: "\n")
    }
}
