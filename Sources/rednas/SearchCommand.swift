import ArgumentParser
import Foundation
import RedNASCore
import Configuration
import Search
import Training

/// `rednas search --config FILE`: start a search in a new run directory.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Start a redundancy-aware architecture search from a YAML config.",
        usage: "rednas search --config <config> [--run-dir <dir>] [--seed <n>]\n  [--set <key=value> ...] [--threads <n>] [--quiet]",
        discussion: """
            Creates a run directory (default Results/<output.name or search-DATE>), writes the \
            resolved config into it and evaluates candidates until the budget is used. Ctrl-C \
            stops cleanly; continue with `rednas resume DIR`. Example:

              rednas search --config Configs/quickstart.yaml --set search.budget.evaluations=30

            Every config key with its default and meaning: rednas config defaults
            """)

    @Option(help: "The YAML config file.")
    var config: String

    @Option(help: "Run directory to create (must not hold a run yet).")
    var runDir: String?

    @Option(parsing: .unconditional, help: "Seed of the run (overrides the config's `seed`).")
    var seed: Int?

    @Option(name: .customLong("set"), help: "Override a config value: key.path=value (repeatable).")
    var overrides: [String] = []

    @OptionGroup var threads: ThreadsOption

    @Flag(help: "No progress output (results are still written to the run directory).")
    var quiet = false

    func validate() throws {
        if let seed, seed < 0 { throw ValidationError("--seed must be ≥ 0, got \(seed)") }
    }

    func run() throws {
        var all = overrides
        if let seed { all.append("seed=\(seed)") }
        if let value = threads.value { all.append("threads=\(value)") }
        let experiment = try ExperimentConfig.load(contentsOfFile: config, overrides: all)
        // The output location, data and protocol are checked before the run directory exists, so a
        // bad input leaves nothing behind.
        if let runDir {
            try InputChecks.requireFolderLocation(runDir, name: "--run-dir")
        } else {
            try InputChecks.requireFolderLocation(experiment.output.runsDir, name: "\(config): output.runs_dir")
            if let name = experiment.output.name {
                let path = URL(fileURLWithPath: experiment.output.runsDir).appendingPathComponent(name).path
                try InputChecks.requireFolderLocation(path, name: "\(config): output.name")
            }
        }
        let evaluator = try InputChecks.namingConfig(config) { try ExperimentSetup.evaluator(for: experiment) }
        let run = try SearchSession.create(config: experiment, runDir: runDir)
        try SearchOutcome.finish(try SearchRunner.run(run, config: experiment, evaluator: evaluator, line: .automatic(quiet: quiet)))
    }
}

/// `rednas resume DIR`: continue a stopped or crashed search.
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a stopped or killed search; finished evaluations are never redone.",
        usage: "rednas resume <directory> [--set <k=v> ...] [--threads <n>] [--quiet]",
        discussion: """
            Only the budget may change: rednas resume DIR --set search.budget.evaluations=50
            """)

    @Argument(help: "The run directory.")
    var directory: String

    @Option(name: .customLong("set"), help: "Grow the budget: search.budget.evaluations=N or search.budget.seconds=S.")
    var overrides: [String] = []

    @OptionGroup var threads: ThreadsOption

    @Flag(help: "No progress output.")
    var quiet = false

    func run() throws {
        let run = RunDirectory(URL(fileURLWithPath: directory))
        var config = try SearchSession.reopen(run, overrides: overrides)
        // Threads change only speed, never results (same bits at any count): this resume's choice
        // is not written to the run's config.
        config.threads = threads.requested(config: config.threads)
        try SearchOutcome.finish(try SearchRunner.run(run, config: config, line: .automatic(quiet: quiet)))
    }
}

/// The closing lines both commands print, and their exit status (130 when stopped).
enum SearchOutcome {
    static func finish(_ outcome: (end: SearchEnd, summary: RunSnapshot)) throws {
        let s = outcome.summary
        print(StatusReport(s).text())
        if outcome.end == .budgetExhausted {
            print("Export the best architecture: rednas export \(s.directory.url.path)")
            print("Plots and summary page:       rednas report \(s.directory.url.path)")
        } else {
            throw ExitCode(130)
        }
    }
}
