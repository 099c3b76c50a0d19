import ArgumentParser
import Foundation
import RedNASCore
import Reports
import Search

/// `rednas report DIR`: plots and a summary page for a search run (also one still going).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write plots, index.html and summary.md for a search run directory.",
        discussion: """
            Reads only the run directory (config.yaml, journal.jsonl, status.json, candidates/*/msrs.json),
            so it works on a finished run, one still going, or a partly damaged one. Writes into
            --output (default DIR/report):

              index.html                 self-contained page (inline SVG and CSS, no network)
              summary.md                 key facts and the top-K table (for terminals, pull requests)
              progress-evaluations.svg   best-so-far accuracy and fitness vs evaluations
              progress-time.svg          the same vs wall time
              accuracy-vs-msrs.svg       every candidate, the Pareto front and the answer
              best-cka.svg               CKA heatmap of the best candidate (when its msrs.json exists)
              best-cell.svg              the best cell as a DAG
              operations.svg             op frequencies in the population over time

            Example: rednas report Results/fmnist-rea-seed0 --top 20
            """
    )

    @Argument(help: "The run directory (made by `rednas search`), or --storage URL --name NAME (copied into --run-dir first).")
    var directory: String?

    @OptionGroup var database: StorageOptions

    @Option(help: "Folder for the report (default: DIR/report).")
    var output: String?

    @Option(parsing: .unconditional, help: "Rows in the top-K table.")
    var top: Int = 10

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be at least 1, found \(top)") }
    }

    func run() throws {
        let run = try database.run(directory: directory).0
        let report = try RunReport.load(run, topK: top)
        let folder = output.map { URL(fileURLWithPath: $0) } ?? run.url.appendingPathComponent("report")
        let files = try report.write(to: folder)
        for problem in report.snapshot.problems { FileHandle.standardError.write(Data("warning: \(problem)\n".utf8)) }
        print("report: \(report.statusText)")
        if let best = report.best {
            print(String(format: "best: #%d index %d valid %.2f%% ", best.number, best.index, best.metrics.validAccuracy)
                  + "MSRS " + (best.metrics.msrsNormalized.map { String(format: "%.4f", $0) } ?? "undefined")
                  + " \(best.arch)")
        } else {
            print("no evaluations yet")
        }
        print("wrote \(files.count) files to \(folder.path); open \(folder.appendingPathComponent("index.html").path)")
    }
}
