import ArgumentParser
import Foundation
import RedNASCore
import Search

/// `rednas migrate DIR`: rewrites a run directory from before snake_case keys in the current format.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Rewrite an old run directory's JSON files with snake_case keys (schema 2).",
        discussion: """
            Runs written before schema 2 (camelCase keys in journal.jsonl, state.json, metrics.json, \
            msrs.json) are read by every command as they are, and `rednas resume` upgrades the journal \
            itself; migrate makes the whole directory uniform for tools that read the files. The \
            journal is verified first (binding, checksums, numbering) and its records are re-checksummed \
            over their new bytes; every replaced file is kept under DIR/backup-schema1/.
            """)

    @Argument(help: "The run directory.")
    var directory: String

    func run() throws {
        let run = RunDirectory(URL(fileURLWithPath: directory))
        let rewritten = try RunMigration.migrate(run)
        if rewritten.isEmpty {
            print("\(run.url.path) is already in the current format; nothing to do")
            return
        }
        for file in rewritten { print("rewrote \(file)") }
        print("originals kept in \(run.url.appendingPathComponent(RunDirectory.backupFolder).path)")
    }
}
