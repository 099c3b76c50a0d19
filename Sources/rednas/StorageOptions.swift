import ArgumentParser
import Foundation
import PostgresStore
import Search

/// `--storage URL --name NAME`: read a search from a PostgreSQL database instead of a run directory.
struct StorageOptions: ParsableArguments {
    @Option(help: "A PostgreSQL database holding the search: postgresql://USER@HOST:PORT/DB (password from PGPASSWORD or ~/.pgpass).")
    var storage: String?

    @Option(help: "The search's name in --storage.")
    var name: String?

    @Option(help: "With --storage: the local run directory the search is copied into (default: Results/NAME).")
    var runDir: String?

    /// The run directory to read: `directory`, or the database search copied into `--run-dir`
    /// (`temporary`: into a fresh temporary folder instead).
    func run(directory: String?, temporary: Bool = false) throws -> (RunDirectory, PostgresSearch.MirrorResult?) {
        guard let storage else {
            guard let directory else { throw ValidationError("give the run directory, or --storage URL --name NAME") }
            if name != nil || runDir != nil { throw ValidationError("--name and --run-dir go with --storage") }
            return (RunDirectory(URL(fileURLWithPath: directory)), nil)
        }
        if directory != nil { throw ValidationError("give either a run directory or --storage, not both") }
        ProcessArguments.hidePasswords()
        guard let name else { throw ValidationError("--storage needs --name NAME (`rednas search --storage URL --list` lists them)") }
        let search = try PostgresSearch.open(url: try PostgresURL(storage), name: name)
        let folder = temporary
            ? FileManager.default.temporaryDirectory.appendingPathComponent("rednas-mirror-\(UUID().uuidString)")
            : URL(fileURLWithPath: runDir ?? "Results/\(name)")
        let mirror = try search.mirror(into: RunDirectory(folder))
        return (mirror.run, mirror)
    }
}

extension PostgresSearch.MirrorResult {
    /// The database's view of the search: candidates in flight with their workers and leases.
    var lines: [String] {
        var lines = ["database: \(log.count) log entries, \(state.search.history.count) completed, "
                     + "\(running.count) running\(finished ? ", finished" : "")"]
        for r in running {
            let lease = r.leaseLeft >= 0 ? String(format: "lease %.0f s left", r.leaseLeft) : "lease expired, awaiting takeover"
            lines.append("  #\(r.number) \(r.arch) on \(r.worker) (attempt \(r.attempts), \(lease))")
        }
        let refused = log.filter { $0.kind == "commit_refused" }.count
        let takeovers = log.filter { $0.kind == "lease_taken_over" }.count
        if refused + takeovers > 0 { lines.append("  \(takeovers) lease takeover(s), \(refused) refused late commit(s)") }
        return lines
    }
}
