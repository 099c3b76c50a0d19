import ArgumentParser
import Foundation
import RedNASCore
import PostgresStore
import Search

/// `rednas status DIR`: progress of a search, also while it runs.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a search run's progress: done/total, best so far, running candidate, ETA.",
        usage: "rednas status <directory> [--json]\n       rednas status --storage <url> --name <name> [--json]")

    @Argument(help: "The run directory (or --storage URL --name NAME).")
    var directory: String?

    @OptionGroup var database: StorageOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let (run, mirror) = try database.run(directory: directory, temporary: database.runDir == nil)
        defer { if mirror != nil, database.runDir == nil { try? FileManager.default.removeItem(at: run.url) } }
        let summary = try RunSnapshot.load(run, .strict)
        for problem in summary.problems { FileHandle.standardError.write(Data("warning: \(problem)\n".utf8)) }
        let report = StatusReport(summary)
        print(json ? try report.json() : report.text())
        if let mirror, !json { print(mirror.lines.joined(separator: "\n")) }
    }
}
