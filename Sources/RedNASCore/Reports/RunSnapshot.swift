import Evolution
import Foundation
import Persistence
#if canImport(Glibc)
import Glibc
#endif
import Redundancy

/// Everything a report reads from a run directory, read leniently: a run that is still going, or a
/// damaged one, still gives a snapshot (what could not be read is described in `problems`).
public struct RunSnapshot {
    public let directory: RunDirectory
    /// The resolved config, or nil when `config.yaml` is missing or does not decode.
    public var config: ExperimentConfig?
    /// The journal's records (a torn final line is skipped; undecodable lines are skipped and noted).
    public var records: [EvaluationRecord]
    /// The live status file, when present and readable.
    public var status: SearchStatus?
    /// Readable notes on what was missing or damaged ("config unavailable: …", "skipped a torn …").
    public var problems: [String]

    public init(directory: RunDirectory, config: ExperimentConfig?, records: [EvaluationRecord],
                status: SearchStatus?, problems: [String] = []) {
        self.directory = directory; self.config = config; self.records = records
        self.status = status; self.problems = problems
    }

    /// Reads `run`. Throws `SearchError.notARun` only when there is neither a config nor a journal.
    public static func load(_ run: RunDirectory) throws -> RunSnapshot {
        let files = FileManager.default
        var isFolder: ObjCBool = false
        guard files.fileExists(atPath: run.url.path, isDirectory: &isFolder), isFolder.boolValue,
              files.fileExists(atPath: run.config.path) || files.fileExists(atPath: run.journal.path) else {
            throw SearchError.notARun(run.url.path)
        }
        var problems: [String] = []
        var config: ExperimentConfig?
        if files.fileExists(atPath: run.config.path) {
            do { config = try ExperimentConfig.load(contentsOfFile: run.config.path) } catch {
                problems.append("config unavailable: \(error)")
            }
        } else {
            problems.append("config unavailable: \(run.config.path) is missing")
        }
        let records = loadRecords(run, problems: &problems)
        var status: SearchStatus?
        if files.fileExists(atPath: run.status.path) {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            do { status = try decoder.decode(SearchStatus.self, from: Data(contentsOf: run.status)) } catch {
                problems.append("status.json unreadable (\(error.localizedDescription)); status derived from the journal")
            }
        }
        return RunSnapshot(directory: run, config: config, records: records, status: status, problems: problems)
    }

    /// The journal via `Journal.load`; if it refuses (damage before the end), line by line, skipping bad lines.
    private static func loadRecords(_ run: RunDirectory, problems: inout [String]) -> [EvaluationRecord] {
        do {
            let contents = try Journal<EvaluationRecord>(url: run.journal).load()
            if let torn = contents.tornTail { problems.append("journal: skipped a torn final line (\(torn))") }
            return contents.records
        } catch {
            guard let data = try? Data(contentsOf: run.journal) else {
                problems.append("journal unreadable: \(error)")
                return []
            }
            var records: [EvaluationRecord] = [], bad: [Int] = []
            let decoder = JSONDecoder()
            for (number, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
                if let record = try? decoder.decode(EvaluationRecord.self, from: Data(line)) { records.append(record) } else { bad.append(number + 1) }
            }
            problems.append("journal damaged: skipped undecodable line(s) \(bad.prefix(10).map(String.init).joined(separator: ", "))"
                            + (bad.count > 10 ? " and \(bad.count - 10) more" : ""))
            return records
        }
    }

    /// The run's fitness (plain accuracy when the config is unavailable).
    public var fitness: Fitness { config?.fitness.fitness ?? .accuracy }

    /// Population size P: REA's population, and the window of the op-frequency plot (default 10).
    public var populationSize: Int { config?.search.population ?? 10 }

    /// Evaluation budget, from the status file or the config.
    public var totalEvaluations: Int? { status?.total ?? config?.search.budget.evaluations }

    /// "finished", "running", "stopped", or "not started": from status.json, checked against the run's
    /// lock (a status left "running" by a killed process reads "stopped"), else from the journal and budget.
    public var phase: String {
        let budget = config?.search.budget
        let finished = (totalEvaluations.map { records.count >= $0 } ?? false)
            || (budget?.seconds.map { records.reduce(0) { $0 + $1.seconds } >= $0 } ?? false)
        if let phase = status?.phase {
            return phase == "running" && !RunLock.isHeld(directory) ? (finished ? "finished" : "stopped") : phase
        }
        if finished { return "finished" }
        return records.isEmpty ? "not started" : RunLock.isHeld(directory) ? "running" : "stopped"
    }

    /// The measured MSRS of `record` from `msrs.json` in its candidate folder (for a reused result,
    /// the folder of the evaluation it reused). nil when there is no such file.
    /// - Throws: the decoding error when the file exists but is not an MSRS result.
    public func msrsResult(of record: EvaluationRecord) throws -> MSRSResult? {
        let source = record.reusedFrom.flatMap { n in records.first { $0.number == n } } ?? record
        let url = directory.candidate(number: source.number, index: source.index).appendingPathComponent("msrs.json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try JSONDecoder().decode(MSRSResult.self, from: data)
    }
}
