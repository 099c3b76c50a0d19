import ArgumentParser
import Configuration
import Foundation
import Persistence
import Training

/// `rednas eval`: score saved weights (accuracy, loss, per-class accuracy) on a split of a config's data.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Accuracy, loss and per-class accuracy of saved weights on the train, valid or test split.",
        usage: "rednas eval --config <config> --weights <file> [--split <split>]\n  [--set <key=value> ...] [--threads <n>] [--json]\n  [--logits <file> [--logits-images <n>]]",
        discussion: """
            Any weights RedNAS wrote (a search candidate, `rednas train`, `rednas prune`); the weights \
            file says the architecture and shape. The config's `dataset` section (with its split and \
            subsets) chooses the images and `threads` the compute threads; any config RedNAS writes works.

              rednas eval --config RUN/config.yaml --split test \\
                --weights RUN/candidates/0003-09930/weights.safetensors
            """)

    @Option(help: "Any RedNAS config (its dataset section and threads are used).")
    var config: String

    @Option(help: "The .safetensors weights file (written by rednas train, search or prune).")
    var weights: String

    @Option(help: "The split to score: train, valid or test.")
    var split: String = "test"

    @Option(name: .customLong("set"), help: "Override a config value: key.path=value (repeatable).")
    var overrides: [String] = []

    @OptionGroup var threads: ThreadsOption

    @Option(help: "Also write the first --logits-images images' pixels, network inputs, logits and labels to this .safetensors file.")
    var logits: String?

    @Option(name: .customLong("logits-images"), parsing: .unconditional, help: "Images in the --logits file.")
    var logitsImages = 16

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard WeightsEvaluation.Split(rawValue: split) != nil else {
            throw ValidationError("--split must be train, valid or test, got \(split)")
        }
        guard logitsImages >= 1 else { throw ValidationError("--logits-images must be at least 1, got \(logitsImages)") }
    }

    func run() throws {
        let split = WeightsEvaluation.Split(rawValue: split) ?? .test
        let experiment = try ExperimentConfig.load(contentsOfFile: config, overrides: overrides)
        try InputChecks.requireFile(weights, option: "--weights")
        threads.apply(config: experiment.threads)
        let e = try InputChecks.namingConfig(config) {
            try WeightsEvaluation.evaluate(weights: URL(fileURLWithPath: weights), config: experiment, split: split,
                                           logits: logits.map { .init(url: URL(fileURLWithPath: $0), images: logitsImages) })
        }
        if json {
            print(String(decoding: try JSONStyle.document(e), as: UTF8.self))
            return
        }
        print("index \(e.index) \(e.arch)")
        print(String(format: "%@: %d images, accuracy %.2f%% (%d correct), loss %.4f  (%.1fs)",
                     e.split.rawValue, e.images, e.accuracy, e.correct, e.loss, e.seconds))
        for c in e.perClass {
            print(String(format: "  class %3d: %@ of %d", c.label, c.accuracy.map { String(format: "%6.2f%%", $0) } ?? "     —", c.images))
        }
    }
}
