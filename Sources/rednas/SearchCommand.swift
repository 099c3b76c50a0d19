import ArgumentParser
import Foundation
import RedNASCore
import Configuration
import PostgresStore
import RunModel
import Search
import Training

/// `rednas search --config FILE`: start a search in a new run directory.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Start a redundancy-aware architecture search from a YAML config.",
        usage: "rednas search --config <config> [--run-dir <dir>] [--seed <n>]\n  [--set <key=value> ...] [--threads <n>] [--quiet]\n"
            + "  [--workers <n> | --storage <url> [--name <name>]\n  [--max-candidates <k>]]\n"
            + "       rednas search --storage <url> --list",
        discussion: """
            Creates a run directory (default Results/<output.name or search-DATE>), writes the \
            resolved config into it and evaluates candidates until the budget is used. Ctrl-C \
            stops cleanly; continue with `rednas resume DIR`. Example:

              rednas search --config Configs/quickstart.yaml --set search.budget.evaluations=30

            Every config key with its default and meaning: rednas config defaults

            With --storage postgresql://USER@HOST:PORT/DB the search lives in that database \
            instead: this process creates it (or joins it, same config) and works on it, and any \
            number of `rednas worker --storage URL --name NAME` processes on any machines join it.

            With --workers N, N worker processes on this machine share the run directory (the \
            threads split between them) and the search is asynchronous regularized evolution.
            """)

    @Option(help: "The YAML config file.")
    var config: String?

    @Option(parsing: .unconditional,
            help: "Worker processes on this machine sharing the run (threads split between them; asynchronous REA).")
    var workers: Int?

    @Option(help: "Keep the search in this PostgreSQL database: postgresql://USER@HOST:PORT/DB (README, \"Search on a cluster\").")
    var storage: String?

    @Option(help: "With --storage: the search's name (default: output.name or search-DATE).")
    var name: String?

    @Flag(help: "With --storage: list the searches in the database.")
    var list = false

    @Option(parsing: .unconditional, help: "With --storage: seconds a worker's claim lasts without a heartbeat.")
    var leaseSeconds: Double = 60

    @Option(parsing: .unconditional, help: "With --storage: attempts per candidate before it is recorded as failed.")
    var maxAttempts: Int = 3

    @Option(help: "With --storage: local folder for the candidates this process trains.")
    var workdir: String?

    @Option(parsing: .unconditional, help: "With --storage: exit after committing this many candidates.")
    var maxCandidates: Int?

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
        if storage == nil, list || name != nil || workdir != nil || maxCandidates != nil {
            throw ValidationError("--list, --name, --workdir and --max-candidates go with --storage URL")
        }
        if let maxCandidates, maxCandidates < 1 { throw ValidationError("--max-candidates must be ≥ 1, got \(maxCandidates)") }
        if storage != nil, runDir != nil { throw ValidationError("--run-dir is for a local run; with --storage the search is in the database") }
        if !list, config == nil { throw ValidationError("missing --config FILE") }
        if !(leaseSeconds > 0) { throw ValidationError("--lease-seconds must be > 0, got \(leaseSeconds)") }
        if maxAttempts < 1 { throw ValidationError("--max-attempts must be ≥ 1, got \(maxAttempts)") }
        if let workers, workers < 1 { throw ValidationError("--workers must be ≥ 1, got \(workers)") }
        if workers != nil, storage != nil {
            throw ValidationError("--workers is for a search on this machine; with --storage start more `rednas worker` processes")
        }
    }

    func run() throws {
        if let storage {
            ProcessArguments.hidePasswords()
            let url = try PostgresURL(storage)
            if list { return printList(try PostgresSearch.list(url: url)) }
        }
        guard let config else { throw ValidationError("missing --config FILE") }
        var all = overrides
        if let seed { all.append("seed=\(seed)") }
        // A database search's config is shared by workers with their own thread counts: --threads
        // sets this worker's, not the stored config's (which would then differ from the workers').
        if let value = threads.value, storage == nil { all.append("threads=\(value)") }
        let experiment = try ExperimentConfig.load(contentsOfFile: config, overrides: all)
        if let storage { return try runInDatabase(experiment, config: config, url: try PostgresURL(storage)) }
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
        if let workers, workers > 1 {
            try LocalParallelSearch.check(experiment, configPath: config)
            // The data is checked here (and freed); each worker loads its own.
            _ = try InputChecks.namingConfig(config) { try ExperimentSetup.evaluator(for: experiment) }
            let run = try SearchSession.create(config: experiment, runDir: runDir)
            return try SearchOutcome.finish(try LocalParallelSearch.run(run, config: experiment, workers: workers,
                                                                        executable: try StudyRunCommand.ownExecutable(),
                                                                        line: .automatic(quiet: quiet)))
        }
        let evaluator = try InputChecks.namingConfig(config) { try ExperimentSetup.evaluator(for: experiment) }
        let run = try SearchSession.create(config: experiment, runDir: runDir)
        try SearchOutcome.finish(try SearchRunner.run(run, config: experiment, evaluator: evaluator, line: .automatic(quiet: quiet)))
    }
}

extension SearchCommand {
    private func printList(_ searches: [PostgresSearch.Listing]) {
        if searches.isEmpty { print("no searches"); return }
        let formatter = ISO8601DateFormatter()
        for s in searches {
            print("\(s.name)\t\(s.completed) completed\t\(s.running) running\tcreated \(formatter.string(from: s.created))")
        }
    }

    private func runInDatabase(_ experiment: ExperimentConfig, config: String, url: PostgresURL) throws {
        let name = self.name ?? experiment.output.name ?? DistributedSearch.defaultName()
        let evaluator = try InputChecks.namingConfig(config) { try ExperimentSetup.evaluator(for: experiment) }
        let search = try DistributedSearch.create(config: experiment, url: url, name: name,
                                                  leaseSeconds: leaseSeconds, maxAttempts: maxAttempts)
        let line = ProgressLine.automatic(quiet: quiet)
        line.log("search \(name) in \(url.redacted); more workers: rednas worker --storage \(url.redacted) --name \(name)")
        let options = DistributedSearch.WorkerOptions(threads: threads.value, maxCandidates: maxCandidates, workdir: workdir,
                                                      quiet: quiet)
        let end = try DistributedSearch.work(search, options: options, evaluator: evaluator, line: line)
        if end == .stopped { throw ExitCode(130) }
        print("search \(name): \(end.rawValue)")
        print("Status: rednas status --storage \(url.redacted) --name \(name)")
        print("Export: rednas export --storage \(url.redacted) --name \(name)")
    }
}

/// `rednas resume DIR`: continue a stopped or crashed search.
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a stopped or killed search; finished evaluations are never redone.",
        usage: "rednas resume <directory> [--set <k=v> ...] [--threads <n>]\n  [--workers <n>] [--quiet]",
        discussion: """
            Only the budget may change: rednas resume DIR --set search.budget.evaluations=50

            A run searched with --workers continues with worker processes (one without --workers).
            """)

    @Argument(help: "The run directory.")
    var directory: String

    @Option(parsing: .unconditional, help: "Worker processes on this machine sharing the run (threads split between them).")
    var workers: Int?

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be ≥ 1, got \(workers)") }
    }

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
        if (workers ?? 1) > 1 || run.isParallel {
            try LocalParallelSearch.check(config, configPath: run.config.path)
            return try SearchOutcome.finish(try LocalParallelSearch.run(run, config: config, workers: workers ?? 1,
                                                                        executable: try StudyRunCommand.ownExecutable(),
                                                                        line: .automatic(quiet: quiet)))
        }
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
