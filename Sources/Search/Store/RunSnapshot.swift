import Configuration
import Evolution
import Foundation
import Persistence
import RunModel

/// The one read model of a run directory, for `status`, `export`, `report` and the search's own
/// summary. Safe on a run that is still going: it never writes, and a torn final journal line is
/// skipped (only `resume` repairs it).
///
/// Every load applies the checks `resume` applies (`RunDirectory.verifiedJournal`: the run's
/// binding to its config and space, each line's checksum, the record sequence, no recorded work
/// beyond the journal). Two ways to load it:
/// - `.strict` (`status`, `export`): the config must decode and the journal must pass every check
///   (a torn tail is skipped and noted); anything else is an error that names the file and record.
/// - `.lenient` (`report`): a damaged run still gives a snapshot; what failed is described in
///   `problems` (the CLI prints them as warnings) and the rest is shown.
package struct RunSnapshot {
    package enum Loading: Sendable { case strict, lenient }

    package let directory: RunDirectory
    /// The resolved config; nil only in a lenient load when `config.yaml` is missing or does not decode.
    package var config: ExperimentConfig?
    /// The journal's records (a torn final line is skipped; a lenient load also skips undecodable lines).
    package var records: [EvaluationRecord]
    /// The live status file, when present and readable.
    package var status: SearchStatus?
    /// Readable notes on what was missing or damaged ("config unavailable: …", "skipped a torn …").
    package var problems: [String]
    /// Whether a process held the run's lock when the snapshot was taken.
    package var isRunning: Bool
    /// The binding recorded in the journal (nil for a run from before bindings).
    package var binding: RunBinding?

    package init(directory: RunDirectory, config: ExperimentConfig?, records: [EvaluationRecord],
                status: SearchStatus?, problems: [String] = [], isRunning: Bool = false) {
        self.directory = directory; self.config = config; self.records = records
        self.status = status; self.problems = problems; self.isRunning = isRunning
    }

    /// Reads `run`.
    /// - Throws: `SearchError.notARun` when the folder holds no run (strict: no `config.yaml`;
    ///   lenient: neither a config nor a journal); in a strict load also the config's or the
    ///   journal's error.
    package static func load(_ run: RunDirectory, _ loading: Loading = .lenient) throws -> RunSnapshot {
        let files = FileManager.default
        var isFolder: ObjCBool = false
        let hasConfig = files.fileExists(atPath: run.config.path)
        guard files.fileExists(atPath: run.url.path, isDirectory: &isFolder), isFolder.boolValue,
              hasConfig || (loading == .lenient && files.fileExists(atPath: run.journal.path)) else {
            throw SearchError.notARun(run.url.path)
        }
        var problems: [String] = []
        let config = try loadConfig(run, loading, problems: &problems)
        let (records, binding) = try loadRecords(run, loading, problems: &problems)
        let status = loadStatus(run, problems: &problems)
        var snapshot = RunSnapshot(directory: run, config: config, records: records, status: status, problems: problems,
                                   isRunning: RunLock.isHeld(run))
        snapshot.binding = binding
        return snapshot
    }

    private static func loadConfig(_ run: RunDirectory, _ loading: Loading,
                                   problems: inout [String]) throws -> ExperimentConfig? {
        guard FileManager.default.fileExists(atPath: run.config.path) else {
            problems.append("config unavailable: \(run.config.path) is missing")
            return nil
        }
        do { return try ExperimentConfig.load(contentsOfFile: run.config.path) } catch {
            if loading == .strict { throw error }
            problems.append("config unavailable: \(error)")
            return nil
        }
    }

    /// The journal through `verifiedJournal`. When a check fails, a strict load fails; a lenient one
    /// notes the failure and reads what it can, line by line, skipping bad lines.
    private static func loadRecords(_ run: RunDirectory, _ loading: Loading,
                                    problems: inout [String]) throws -> ([EvaluationRecord], RunBinding?) {
        do {
            let journal = try run.verifiedJournal()
            if let torn = journal.tornTail { problems.append("journal: skipped a torn final line (\(torn))") }
            if journal.exists, journal.binding == nil, !journal.records.isEmpty {
                problems.append("journal: a run from before fingerprints and checksums; the next `rednas resume` records them")
            }
            return (journal.records, journal.binding)
        } catch {
            if loading == .strict { throw error }
            problems.append("journal: \(error)")
            guard let data = try? Data(contentsOf: run.journal) else { return ([], nil) }
            var records: [EvaluationRecord] = [], bad: [Int] = []
            let decoder = JSONStyle.decoder()
            for (number, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
                if number == 0, let header = try? decoder.decode(JournalHeader.self, from: Data(line)),
                   header.journal == JournalHeader.kind { continue }
                if let record = try? decoder.decode(EvaluationRecord.self, from: Data(line)) { records.append(record) } else { bad.append(number + 1) }
            }
            if !bad.isEmpty {
                problems.append("journal damaged: skipped undecodable line(s) \(bad.prefix(10).map(String.init).joined(separator: ", "))"
                                + (bad.count > 10 ? " and \(bad.count - 10) more" : ""))
            }
            return (records, nil)
        }
    }

    private static func loadStatus(_ run: RunDirectory, problems: inout [String]) -> SearchStatus? {
        guard FileManager.default.fileExists(atPath: run.status.path) else { return nil }
        let decoder = JSONStyle.decoder()
        do { return try decoder.decode(SearchStatus.self, from: Data(contentsOf: run.status)) } catch {
            problems.append("status.json unreadable (\(error.localizedDescription)); status derived from the journal")
            return nil
        }
    }
}

extension RunSnapshot {
    /// The config, which a strict load guarantees.
    /// - Throws: `SearchError.damaged` naming `config.yaml` when a lenient load could not read it.
    package func requiredConfig() throws -> ExperimentConfig {
        guard let config else {
            throw SearchError.damaged(path: directory.config.path, detail: "the run's config is missing or unreadable")
        }
        return config
    }

    /// The run's fitness (plain accuracy when the config is unavailable).
    package var fitness: Fitness { config?.fitness.fitness ?? .accuracy }

    /// Population size P: REA's population, and the window of the op-frequency plot (default 10).
    package var populationSize: Int { config?.search.population ?? 10 }

    /// Evaluation budget, from the status file or the config.
    package var totalEvaluations: Int? { status?.total ?? config?.search.budget.evaluations }

    /// One record per candidate: its highest rung's (seconds summed over its rungs); the journal's
    /// records themselves outside multi-fidelity runs.
    package var candidates: [EvaluationRecord] { records.latestPerCandidate }

    /// Seconds charged to the budget so far.
    package var secondsUsed: Double { records.reduce(0) { $0 + $1.seconds } }

    /// Training epochs charged to the budget so far.
    package var epochsUsed: Int { records.epochsUsed }

    /// Whether the budget (evaluations, seconds or epochs) is used.
    /// Generations mode checks the time and epoch limits only between generations.
    package var budgetUsed: Bool {
        if totalEvaluations.map({ candidates.count >= $0 }) ?? false { return true }
        if let size = config?.search.generations, candidates.count % size != 0 { return false }
        return (config?.search.budget.seconds.map { secondsUsed >= $0 } ?? false)
            || (config?.search.budget.epochs.map { epochsUsed >= $0 } ?? false)
    }

    /// Finished once the budget is used (a process still holding the lock is only writing its closing
    /// files); running while a process holds the lock; finished when the last process said so; not
    /// started when nothing was evaluated and no process ever wrote a status; else stopped.
    package var phase: RunPhase {
        if budgetUsed { return .finished }
        if isRunning { return .running }
        if status?.phase == .finished { return .finished }
        return records.isEmpty && status == nil ? .notStarted : .stopped
    }

    /// The candidate being trained, when the run is live.
    package var running: SearchStatus.Running? { isRunning ? status?.running : nil }

    /// Remaining time (0 once finished).
    package var etaSeconds: Double? {
        guard phase != .finished else { return 0 }
        return SearchStatus.eta(records: candidates, total: totalEvaluations, budgetSeconds: config?.search.budget.seconds,
                                secondsUsed: secondsUsed, runningFraction: running?.progress?.fraction ?? 0)
    }

    /// The search's answer: best in history by the run's fitness (never by test accuracy); under a
    /// scheduler, among the candidates at the highest fidelity reached.
    package var best: EvaluationRecord? {
        let candidates = candidates
        return candidates.answerIndex(under: fitness).map { candidates[$0] }
    }

    /// Candidates (one record each) from best to worst by the run's fitness, compared within a fidelity.
    package var ranked: [EvaluationRecord] {
        let candidates = candidates
        return candidates.ranking(under: fitness).map { candidates[$0] }
    }

    package func fitnessValue(_ r: EvaluationRecord) -> Double? { r.fitnessValue(under: fitness) }

    /// The folder of a record's candidate (for reused results: the folder of the one that trained;
    /// for a promotion: its candidate's).
    package func candidateFolder(_ r: EvaluationRecord) -> URL {
        let source = r.reusedFrom.flatMap { n in records.first { $0.number == n } }
            ?? records.first { $0.number == r.candidateNumber } ?? r
        return directory.candidate(number: source.number, index: source.index)
    }
}
