import CellSpace
import Evolution
import Foundation
import Persistence

/// A read-only view of a run directory for `status`, `export` and reports: safe on a run that is
/// still going (a torn final journal line is skipped, never repaired from here).
public struct RunSummary {
    public let run: RunDirectory
    public let config: ExperimentConfig
    public let records: [EvaluationRecord]
    /// The live status file, if the run has written one.
    public let live: SearchStatus?
    /// Whether a process holds the run's lock right now.
    public let isRunning: Bool

    public init(_ run: RunDirectory) throws {
        guard run.exists else { throw SearchError.notARun(run.url.path) }
        self.run = run
        config = try ExperimentConfig.load(contentsOfFile: run.config.path)
        records = try Journal<EvaluationRecord>(url: run.journal).load().records
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        live = (try? Data(contentsOf: run.status)).flatMap { try? decoder.decode(SearchStatus.self, from: $0) }
        isRunning = RunLock.isHeld(run)
    }

    public var fitness: Fitness { config.fitness.fitness }

    /// The search's answer: best in history by the run's fitness (never by test accuracy).
    public var best: EvaluationRecord? {
        fitness.answerIndex(records.map(\.result)).map { records[$0] }
    }

    /// Records from best to worst by the run's fitness.
    public var ranked: [EvaluationRecord] { fitness.ranking(records.map(\.result)).map { records[$0] } }

    public var total: Int? { config.search.budget.evaluations }

    public var secondsUsed: Double { records.map(\.seconds).reduce(0, +) }

    /// "running", "finished" (budget used), or "stopped" (resumable).
    public var phase: String {
        if isRunning { return "running" }
        let budget = config.search.budget.budget
        if let n = budget.evaluations, records.count >= n { return "finished" }
        if let s = budget.seconds, secondsUsed >= s { return "finished" }
        return "stopped"
    }

    /// The candidate being trained, when the run is live.
    public var running: SearchStatus.Running? { isRunning ? live?.running : nil }

    public var etaSeconds: Double? {
        guard phase != "finished" else { return 0 }
        return SearchStatus.eta(records: records, total: total, budgetSeconds: config.search.budget.seconds,
                                secondsUsed: secondsUsed, runningFraction: running?.progress?.fraction ?? 0)
    }

    public func fitnessValue(_ r: EvaluationRecord) -> Double? { SearchMonitor.fitnessValue(r, fitness) }

    /// The folder of a record's candidate (for reused results: the folder of the one that trained).
    public func candidateFolder(_ r: EvaluationRecord) -> URL {
        let source = r.reusedFrom.map { records[$0] } ?? r
        return run.candidate(number: source.number, index: source.index)
    }
}
