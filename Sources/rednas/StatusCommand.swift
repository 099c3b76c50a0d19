import ArgumentParser
import Foundation
import RedNASCore
import Search

/// `rednas status DIR`: progress of a search, also while it runs.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a search run's progress: done/total, best so far, running candidate, ETA.")

    @Argument(help: "The run directory.")
    var directory: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let summary = try RunSnapshot.load(RunDirectory(URL(fileURLWithPath: directory)), .strict)
        for problem in summary.problems { FileHandle.standardError.write(Data("warning: \(problem)\n".utf8)) }
        let report = StatusReport(summary)
        print(json ? try report.json() : report.text())
    }
}
