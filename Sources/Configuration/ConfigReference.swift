import ConfigKit

/// `rednas config defaults`: the whole config schema with every default filled in and a comment on
/// every key. The text is the resolved YAML of a default ``ExperimentConfig`` (so it always loads
/// back as one), with each key's comment on the lines above it and the keys that have no default
/// value (optional ones) shown as commented-out examples.
package enum ConfigReference {
    /// What each key means, by dotted path; every key the resolved defaults print has one.
    package static let comments: [String: String] = [
        "dataset": "Which images, how they are split, subset and augmented.",
        "dataset.kind": "fashion-mnist, mnist, cifar10, cifar100, or idx (any IDX image/label files).",
        "dataset.path": "Folder of the files; the default depends on kind (required for idx).",
        "dataset.split": "holdout (seeded hold-out of the training images) or benchmark (NATS-Bench's fixed "
            + "25k/25k CIFAR-10 halves; the default for cifar10).",
        "dataset.valid_fraction": "Fraction of the training images held out as the valid set (holdout).",
        "dataset.valid_count": "Exact number of held-out valid images; 0 = use valid_fraction.",
        "dataset.split_seed": "Seed of the hold-out shuffle (independent of `seed`: every run sees the same split).",
        "dataset.train_subset": "Class-stratified seeded subset of n train images after splitting; 0 = all.",
        "dataset.valid_subset": "Class-stratified seeded subset of n valid images; 0 = all.",
        "dataset.test_subset": "Class-stratified seeded subset of n test images; 0 = all.",
        "dataset.flip": "Random horizontal flips while training (default: true for CIFAR, false otherwise).",
        "dataset.crop_padding": "Zero padding (pixels) of the random crops while training; 0 = no cropping.",
        "network": "The NATS-Bench skeleton's size (spec: nats-tss.md §3).",
        "network.channels": "Channels C of the first stage (then 2C, 4C). Benchmark: 16.",
        "network.cells": "Cells N per stage. Benchmark: 5.",
        "training": "The SGD protocol (spec: nats-tss.md §5; the benchmark's full protocol is 200 epochs).",
        "training.epochs": "Epochs T (the NATS-Bench \"12-epoch\" proxy: 12).",
        "training.batch_size": "Mini-batch size. Benchmark: 256.",
        "training.lr": "Initial learning rate. Benchmark: 0.1.",
        "training.momentum": "SGD momentum. Benchmark: 0.9.",
        "training.nesterov": "Nesterov momentum. Benchmark: true.",
        "training.weight_decay": "L2 weight decay on all parameters. Benchmark: 5e-4.",
        "training.schedule": "cosine (lr/2 · (1 + cos(π e / T)), per epoch) or constant.",
        "msrs": "How redundancy is measured on each trained candidate (spec: msrs.md).",
        "msrs.batches": "Batches scored (the first ones of the split, unshuffled); MSRS = their mean.",
        "msrs.batch_size": "Images per batch.",
        "msrs.beta": "Sigmoid steepness β.",
        "msrs.tau": "Similarity threshold τ.",
        "msrs.pooling": "gap (global average pooling, the reference) or flatten.",
        "msrs.split": "Images scored: valid (keeps the test set out of the search) or test.",
        "msrs.kind": "CKA estimator: unbiased (the reference) or biased.",
        "search": "Algorithm, population, budget and space.",
        "search.algorithm": "rea (regularized evolution) or random (baseline).",
        "search.population": "REA population size P.",
        "search.sample_size": "REA tournament size S (drawn with replacement), 1 ≤ S ≤ P.",
        "search.budget": "When to stop: at either limit (at least one must be given).",
        "search.budget.evaluations": "Candidates evaluated (cache hits included).",
        "search.scheduler": "Multi-fidelity search: stop weak candidates early (rungs in epochs up to training.epochs).",
        "search.scheduler.kind": "none, successive_halving (asynchronous, ASHA) or hyperband (asynchronous brackets).",
        "search.scheduler.min_epochs": "Epochs of the lowest rung; the rungs are min_epochs · eta^k up to training.epochs.",
        "search.scheduler.eta": "Reduction factor η: a candidate moves up when it is in the top 1/η of its rung.",
        "search.parallel": "Many workers: asynchronous (a freed worker proposes from the population as it is; "
            + "fast, result depends on worker speed) or generations (deterministic: equals the one-machine run).",
        "search.generation_size": "generations: proposals per generation, each made after the whole previous "
            + "generation is committed.",
        "search.cache": "Reuse the result of a canonically equal architecture instead of training it again.",
        "search.space": "nats-tss (built in) or the path of a space file.",
        "fitness": "How candidates are compared (spec: msrs.md §6).",
        "fitness.kind": "accuracy, penalty (accuracy − lambda · MSRS), constraint (MSRS ≤ bound first), "
            + "lexicographic (within epsilon of the best accuracy, lower MSRS wins) or pareto.",
        "fitness.lambda": "penalty: accuracy points lost per unit of normalised MSRS.",
        "fitness.bound": "constraint: the largest admissible normalised MSRS.",
        "fitness.epsilon": "lexicographic: accuracy tolerance in points.",
        "seed": "Seed of the search (sampling, mutation) and of each candidate's training.",
        "threads": "Compute threads; 0 = every core (--threads on the command line overrides it).",
        "output": "Where runs go.",
        "output.runs_dir": "Parent folder of run directories.",
    ]

    /// Keys without a default value, as commented-out examples after the last key of their section.
    package static let optionalExamples: [(after: String, text: String)] = [
        ("dataset.crop_padding", "mean: [72.94]  # per-channel mean, 0–255 scale, one per channel (default: the dataset's)"),
        ("dataset.crop_padding", "std: [90.0]  # per-channel std, 0–255 scale (default: the dataset's)"),
        ("network.cells", "cells_per_stage: [5, 5, 5]  # cells of each stage, instead of cells (give one of the two)"),
        ("search.budget.evaluations", "seconds: 3600  # seconds of evaluation time"),
        ("search.budget.evaluations", "epochs: 120  # epochs of training (promotions count their added epochs)"),
        ("search.space", "ops: [none, skip_connect, nor_conv_3x3]  # restrict the candidate operations"),
        ("output.runs_dir", "name: my-run  # run directory name (default: search-YYYYMMDD-HHMMSS)"),
        ("threads", "arch: 9930  # rednas train: the architecture (index or NATS string); others ignore it"),
    ]

    /// The commented default config.
    ///
    /// - Throws: when the defaults do not encode (never for the built-in types).
    package static func defaultsYAML() throws -> String {
        var out = [
            "# RedNAS config: every key with its default (`rednas config defaults`).",
            "# Every key is optional; unknown keys are errors. Commands use the sections they need.",
        ]
        for (line, dotted) in try keyedLines() {
            guard let dotted else { out.append(line); continue }
            let pad = String(line.prefix { $0 == " " })
            if let comment = comments[dotted] { out += wrapped(comment, width: 96 - pad.count).map { pad + "# " + $0 } }
            out.append(line)
            for example in optionalExamples where example.after == dotted { out.append(pad + "# " + example.text) }
        }
        return out.joined(separator: "\n")
    }

    /// `text` in lines of at most `width` characters (a longer word gets a line of its own).
    private static func wrapped(_ text: String, width: Int) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        return line.isEmpty ? lines : lines + [line]
    }

    /// The dotted paths of every key in the default config's resolved YAML.
    package static func defaultKeyPaths() throws -> [String] { try keyedLines().compactMap(\.path) }

    /// The lines of the default config's resolved YAML, each with the dotted path of the key it
    /// starts (nil for list items and blank lines).
    private static func keyedLines() throws -> [(line: String, path: String?)] {
        var result: [(line: String, path: String?)] = [], path: [(indent: Int, key: String)] = []
        for line in try ExperimentConfig().resolvedYAML().split(separator: "\n").map(String.init) {
            let indent = line.prefix { $0 == " " }.count
            let body = line.dropFirst(indent)
            guard let colon = body.firstIndex(of: ":"), !body.hasPrefix("-") else { result.append((line, nil)); continue }
            path.removeAll { $0.indent >= indent }
            path.append((indent, String(body[..<colon])))
            result.append((line, path.map(\.key).joined(separator: ".")))
        }
        return result
    }
}
