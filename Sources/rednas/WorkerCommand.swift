import ArgumentParser
import Foundation
import PostgresStore
import RedNASCore
import RunModel
import Search

/// `rednas worker --storage URL --name NAME`: join a search in a database from any machine;
/// `rednas worker --run-dir DIR`: one worker process of `rednas search|resume --workers N`.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Work on a search kept in a PostgreSQL database (start it with `rednas search --storage`).",
        usage: "rednas worker --storage <url> (--name <name> | --study <study>)\n  [--threads <n>] [--max-candidates <k>] [--workdir <dir>] [--quiet]\n"
            + "       rednas worker --run-dir <dir> [--threads <n>] [--quiet]",
        discussion: """
            Claims candidates one at a time, trains them with the search's config (its dataset path must
            exist on this machine) and commits each result with its files to the database. Any number of
            workers may join and leave at any time; a worker exits 0 once the budget is used and nothing
            is in flight. Example:

              rednas worker --storage postgresql://rednas@db.example:5432/nas --name fmnist-rea --threads 2

            With --run-dir it is one of the worker processes `rednas search --workers N` starts on a \
            run directory (it refuses a run that no search holds).
            """)

    @Option(help: "The database: postgresql://USER@HOST:PORT/DB (password from PGPASSWORD or ~/.pgpass).")
    var storage: String?

    @Option(help: "The search's name.")
    var name: String?

    @Option(help: "Work on every unfinished search of a study run with `rednas study --storage` (the study directory's name), one after another.")
    var study: String?

    @Option(help: "A run directory whose search (`rednas search|resume --workers N`) this worker joins.")
    var runDir: String?

    @Option(parsing: .unconditional, help: "Compute threads (default: the config's `threads`; 0 = all cores).")
    var threads: Int?

    @Option(parsing: .unconditional, help: "Exit after committing this many candidates.")
    var maxCandidates: Int?

    @Option(help: "Local folder for the candidates this worker trains.")
    var workdir: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if (storage == nil) == (runDir == nil) { throw ValidationError("give either --storage URL --name NAME or --run-dir DIR") }
        if storage != nil, (name == nil) == (study == nil) {
            throw ValidationError("give either --name NAME (the search's name in the database) or --study STUDY")
        }
        if runDir != nil, maxCandidates != nil || workdir != nil || name != nil || study != nil {
            throw ValidationError("--name, --study, --max-candidates and --workdir go with --storage")
        }
        if let threads, threads < 0 { throw ValidationError("--threads must be ≥ 0, got \(threads)") }
        if let maxCandidates, maxCandidates < 1 { throw ValidationError("--max-candidates must be ≥ 1, got \(maxCandidates)") }
        if study != nil, workdir != nil || maxCandidates != nil {
            throw ValidationError("--workdir and --max-candidates go with --name (with --study each search has its own folder)")
        }
    }

    func run() throws {
        if let runDir {
            let end = try LocalParallelSearch.work(RunDirectory(URL(fileURLWithPath: runDir)), threads: threads,
                                                   line: .automatic(quiet: quiet))
            if end == .stopped { throw ExitCode(130) }
            return
        }
        guard let storage else { return }
        ProcessArguments.hidePasswords()
        let url = try PostgresURL(storage)
        let line = ProgressLine.automatic(quiet: quiet)
        let options = DistributedSearch.WorkerOptions(threads: threads, maxCandidates: maxCandidates, workdir: workdir, quiet: quiet)
        guard let study else {
            guard let name else { return }
            let end = try DistributedSearch.work(try PostgresSearch.join(url: url, name: name), options: options, line: line)
            if end == .stopped { throw ExitCode(130) }
            return
        }
        // The study's searches as they exist now, in creation order; the study command creates the
        // rest as it goes, so the list is read again after each one.
        var done: Set<String> = []
        while let next = try PostgresSearch.list(url: url).first(where: { $0.name.hasPrefix(study + ".") && !done.contains($0.name) }) {
            done.insert(next.name)
            let end = try DistributedSearch.work(try PostgresSearch.join(url: url, name: next.name), options: options, line: line)
            if end == .stopped { throw ExitCode(130) }
        }
        if done.isEmpty { line.log("no search of study \(study) in \(url.redacted) (`rednas search --storage URL --list` lists them)") }
    }
}
