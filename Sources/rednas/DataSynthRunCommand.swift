import ArgumentParser
import Foundation
import RedNASCore

/// `rednas data synth-run --out DIR --candidates N`: a run directory with made-up results, for
/// trying `rednas report` / `rednas serve` at any size.
struct DataSynthRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth-run",
        abstract: "Write (or extend) a search run directory with made-up results, in the real format.",
        discussion: """
            The search itself is real (REA, canonical cache, seeds, journal with checksums, candidate
            folders with metrics.json and msrs.json); training is replaced by a fixed function of the
            cell and its seed, so 10,000 candidates take seconds. Params and FLOPs are the cells' own.
            Run it again on the same folder with a larger --candidates to extend the run (as a live
            search would). Not for results: for checking reports and dashboards.

            Example: rednas data synth-run --out /tmp/big-run --candidates 10000 && rednas report /tmp/big-run
            """
    )

    @Option(help: "The run directory to write (created if missing; extended if it is a synthetic run).")
    var out: String

    @Option(parsing: .unconditional, help: "Evaluations the run should hold when done.")
    var candidates: Int

    @Option(parsing: .unconditional, help: "Search seed of a new run.")
    var seed = 0

    func validate() throws {
        guard candidates >= 1 else { throw ValidationError("--candidates must be at least 1, found \(candidates)") }
        guard seed >= 0 else { throw ValidationError("--seed must be 0 or more, found \(seed)") }
    }

    func run() throws {
        let added = try SyntheticRun.write(to: URL(fileURLWithPath: out), candidates: candidates, seed: seed)
        print("synth-run: \(out) holds \(candidates) evaluations (\(added) added)")
    }
}
