import ArgumentParser
import Foundation
import RedNASCore
import Configuration
import RunModel
import Training

/// `rednas train`: train one architecture with the NATS-Bench protocol and export its weights.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one architecture (index or NATS string) and write metrics.json and weights.safetensors.",
        usage: "rednas train --config <config> [--arch <arch>] [--out <dir>] [--resume]\n  [--set <key=value> ...] [--seed <n>] [--threads <n>] [--quiet]",
        discussion: """
            Examples:
              rednas train --config Configs/train-fashion-mnist.yaml --arch 9930
              rednas train --config Configs/train-fashion-mnist.yaml --arch 9930 \\
                --set training.epochs=1 --out /tmp/t1
              rednas train --config Configs/train-fashion-mnist.yaml --arch 9930 \\
                --out /tmp/t1 --resume
            Ctrl-C stops at the next step and keeps the last epoch checkpoint; --resume continues it.
            """)

    @Option(help: "YAML config with dataset, network and training sections.")
    var config: String

    @Option(help: "Architecture: benchmark index (0-15624) or NATS string; overrides `arch` in the config.")
    var arch: String?

    @Option(help: "Output folder (default: <output.runs_dir>/train-<index>-<timestamp>).")
    var out: String?

    @Flag(help: "Continue the training checkpoint in --out.")
    var resume = false

    @Option(name: .customLong("set"), help: "Override a config key, e.g. --set training.epochs=1 (repeatable).")
    var overrides: [String] = []

    @Option(parsing: .unconditional, help: "Seed (overrides `seed` in the config).")
    var seed: Int?

    @OptionGroup var threads: ThreadsOption

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if resume && out == nil { throw ValidationError("--resume needs --out DIR, the folder of the run to continue") }
        if let seed, seed < 0 { throw ValidationError("--seed must be ≥ 0, got \(seed)") }
    }

    func run() throws {
        var config = try TrainRunConfig.load(contentsOfFile: config, overrides: overrides)
        if let arch { config.arch = arch }  // so the resolved config records what actually ran
        if let seed { config.seed = seed }
        config.threads = threads.requested(config: config.threads)
        if let out {
            try InputChecks.requireFolderLocation(out, name: "--out")
        } else {
            try InputChecks.requireFolderLocation(config.output.runsDir, name: "\(self.config): output.runs_dir")
        }
        let setup = try InputChecks.namingConfig(self.config) { try TrainRunSetup.resolve(config, archSpecifier: arch) }
        ComputeThreadSetting.apply(config.threads)
        let directory = URL(fileURLWithPath: out ?? defaultDirectory(config, index: setup.cell.index))
        let session = TrainSession(setup: setup, directory: directory, resolvedConfig: try config.resolvedYAML())
        if session.checkpointExists && !resume {
            throw ValidationError("\(directory.path) already holds a training checkpoint: add --resume to continue it, or choose another --out")
        }
        if resume && !session.checkpointExists {
            throw ValidationError("\(directory.path) holds no training checkpoint to resume")
        }
        let line = ProgressLine.automatic(quiet: quiet)
        let stop = StopSignal()
        stop.installSignalHandlers { name in line.log("\(name): stopping after the current step (again to quit now)") }
        let start = Date()
        let report = try session.run(stop: stop, log: { line.log($0) }, progress: { p in
            let elapsed = Date().timeIntervalSince(start)
            let eta = p.fraction > 0 ? elapsed * (1 - p.fraction) / p.fraction : .nan
            line.update(String(format: "epoch %d/%d  step %d/%d  loss %.4f  %.0f img/s", p.epoch, p.epochs,
                               p.step, p.steps, p.loss ?? .nan, p.imagesPerSecond ?? 0), tail: "ETA \(formatDuration(eta))")
        })
        line.finish()
        var summary = "\(report.status): \(directory.path)/metrics.json"
        if let f = report.final {
            summary += String(format: "  test %.2f%%  valid %@  train %.2f%%  %@", f.testAccuracy ?? .nan,
                              f.validAccuracy.map { String(format: "%.2f%%", $0) } ?? "-", f.trainAccuracy,
                              formatDuration(report.wallSeconds))
        }
        print(summary)
        if report.status == "interrupted" { throw ExitCode(130) }
        if report.status == "diverged" { throw ExitCode(3) }
    }

    private func defaultDirectory(_ config: TrainRunConfig, index: Int) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return URL(fileURLWithPath: config.output.runsDir)
            .appendingPathComponent(config.output.name ?? "train-\(index)-\(formatter.string(from: Date()))").path
    }
}
