import ArgumentParser
import Foundation
import RedNASCore
import Reports
import Search

/// `rednas report DIR…`: plots, a candidate table and details pages for a search run (also one
/// still going), or several runs compared on one page.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the report (index.html with plots and a table of every candidate) for a search run.",
        usage: "rednas report DIR... [--output <dir>] [--top <n>] [--details <n|all>]\n"
            + "       rednas report --storage <url> --name <name> [--run-dir <dir>] ...",
        discussion: """
            Reads only the run directory (config.yaml, journal.jsonl, status.json, \
            candidates/*/metrics.json and msrs.json), so it works on a finished run, one still \
            going, or a partly damaged one. Writes into --output (default DIR/report):

              index.html                self-contained page (inline SVG, CSS, a small script;
                                        no network): status, config, answer, a sortable,
                                        filterable table of every candidate
              pages/NNNN-IIIII.html     a candidate's details: facts, lineage, learning
                                        curve, cell, CKA with τ
              summary.md                key facts and the top-K table
              progress-evaluations.svg  best so far vs evaluations, a dot per candidate
              progress-time.svg         the same vs wall time
              timeline.svg              when each evaluation ran
              accuracy-vs-msrs.svg      every candidate, the Pareto front and the answer
              accuracy-vs-params.svg    accuracy against parameters (log scale)
              accuracy-vs-flops.svg     accuracy against FLOPs (log scale)
              learning-curves.svg       valid accuracy per epoch (candidates' metrics.json)
              rung-curves.svg           multi-fidelity runs: each candidate across rungs
              best-cka.svg              CKA heatmap of the best candidate, τ marked
              best-cell.svg             the best cell as a DAG
              operations.svg            op frequencies in the population over time

            With several run directories, --output is required: it gets index.html \
            comparing the runs and each run's own report in a numbered sub-folder. \
            `rednas serve DIR` serves a live report.

            Examples: rednas report Results/fmnist-rea-seed0 --top 20
                      rednas report Results/rea-seed0 Results/random-seed0 \\
                          --output Results/compare
            """
    )

    @Argument(help: "The run directory or directories (made by `rednas search`); none with --storage URL --name NAME.")
    var directories: [String] = []

    @OptionGroup var database: StorageOptions

    @Option(name: [.long, .customLong("out")], help: "Folder for the report (default: DIR/report; required for several runs).")
    var output: String?

    @Option(parsing: .unconditional, help: "Rows in the top-K table.")
    var top: Int = 10

    @Option(help: "Details pages to write: the top N candidates by rank, or 'all'.")
    var details = "100"

    func validate() throws {
        guard !directories.isEmpty || database.storage != nil else {
            throw ValidationError("give at least one run directory, or --storage URL --name NAME")
        }
        guard top >= 1 else { throw ValidationError("--top must be at least 1, found \(top)") }
        _ = try detailPages()
        if directories.count > 1 && output == nil {
            throw ValidationError("comparing \(directories.count) runs needs --output DIR for the comparison page")
        }
    }

    func detailPages() throws -> RunReport.DetailPages {
        if details == "all" { return .all }
        guard let n = Int(details), n >= 0 else {
            throw ValidationError("--details must be a number of candidates (0 or more) or 'all', found '\(details)'")
        }
        return .top(n)
    }

    func run() throws {
        // One database search is copied into a local run directory first (--run-dir).
        let runs = directories.count > 1
            ? directories.map { RunDirectory(URL(fileURLWithPath: $0)) } : [try database.run(directory: directories.first).0]
        let reports = try runs.map { try RunReport.load($0, topK: top) }
        for report in reports {
            let prefix = reports.count > 1 ? "\(report.snapshot.directory.url.lastPathComponent): " : ""
            for problem in report.snapshot.problems { FileHandle.standardError.write(Data("warning: \(prefix)\(problem)\n".utf8)) }
        }
        if reports.count > 1, let output {
            let folder = URL(fileURLWithPath: output)
            let files = try RunComparison(reports: reports).write(to: folder, details: try detailPages())
            for report in reports { print("\(report.snapshot.directory.url.lastPathComponent): \(report.statusText)") }
            print("wrote \(files.count) files to \(folder.path); open \(folder.appendingPathComponent("index.html").path)")
            return
        }
        let report = reports[0]
        let folder = output.map { URL(fileURLWithPath: $0) } ?? runs[0].url.appendingPathComponent("report")
        let files = try report.write(to: folder, details: try detailPages())
        print("report: \(report.statusText)")
        if let best = report.best {
            print(String(format: "best: #%d index %d valid %.2f%% ", best.candidateNumber, best.index, best.metrics.validAccuracy)
                  + "MSRS " + (best.metrics.msrsNormalized.map { String(format: "%.4f", $0) } ?? "undefined")
                  + " \(best.arch)")
        } else {
            print("no evaluations yet")
        }
        print("wrote \(files.count) files to \(folder.path); open \(folder.appendingPathComponent("index.html").path)")
    }
}
