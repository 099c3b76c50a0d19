import ArgumentParser
import Foundation
import PostgresStore
import RedNASCore
import RunModel

/// `rednas worker --storage URL --name NAME`: join a search in a database from any machine.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Work on a search kept in a PostgreSQL database (start it with `rednas search --storage`).",
        usage: "rednas worker --storage <url> --name <name> [--threads <n>]\n  [--max-candidates <k>] [--workdir <dir>] [--quiet]",
        discussion: """
            Claims candidates one at a time, trains them with the search's config (its dataset path must
            exist on this machine) and commits each result with its files to the database. Any number of
            workers may join and leave at any time; a worker exits 0 once the budget is used and nothing
            is in flight. Example:

              rednas worker --storage postgresql://rednas@db.example:5432/nas --name fmnist-rea --threads 2
            """)

    @Option(help: "The database: postgresql://USER@HOST:PORT/DB (password from PGPASSWORD or ~/.pgpass).")
    var storage: String

    @Option(help: "The search's name.")
    var name: String

    @Option(parsing: .unconditional, help: "Compute threads (default: the config's `threads`; 0 = all cores).")
    var threads: Int?

    @Option(parsing: .unconditional, help: "Exit after committing this many candidates.")
    var maxCandidates: Int?

    @Option(help: "Local folder for the candidates this worker trains.")
    var workdir: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if let threads, threads < 0 { throw ValidationError("--threads must be ≥ 0, got \(threads)") }
        if let maxCandidates, maxCandidates < 1 { throw ValidationError("--max-candidates must be ≥ 1, got \(maxCandidates)") }
    }

    func run() throws {
        ProcessArguments.hidePasswords()
        let search = try PostgresSearch.join(url: try PostgresURL(storage), name: name)
        let options = DistributedSearch.WorkerOptions(threads: threads, maxCandidates: maxCandidates, workdir: workdir, quiet: quiet)
        let end = try DistributedSearch.work(search, options: options, line: .automatic(quiet: quiet))
        if end == .stopped { throw ExitCode(130) }
    }
}
