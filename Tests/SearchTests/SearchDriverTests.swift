import CellSpace
import Evolution
import Foundation
import Persistence
import XCTest
@testable import RunModel
@testable import Search

/// A deterministic stand-in for training: metrics are a fixed function of the cell and seed.
final class FakeCandidateEvaluator: CandidateEvaluator {
    /// Request a stop after this many evaluations have started (simulates Ctrl-C mid-candidate).
    var stopAfterStarts: Int?
    private(set) var starts = 0
    private(set) var evaluatedNumbers: [Int] = []
    /// When set, metrics carry this network's real parameter and FLOP counts (else 1000 / 2000).
    var spec: NetworkSpec?

    func networkCounts(for cell: Cell) -> NetworkCounts? {
        spec.map { NetworkCounts(params: $0.parameterCount(for: cell), flops: $0.flops(for: cell)) }
    }

    func evaluate(_ task: CandidateTask, in directory: URL, stop: StopSignal,
                  progress: (CandidateProgress) -> Void) throws -> CandidateOutcome {
        starts += 1
        if let limit = stopAfterStarts, starts > limit { stop.request("test"); return .interrupted }
        progress(CandidateProgress(epoch: 1, epochs: 1, step: 1, steps: 1, loss: 1))
        evaluatedNumbers.append(task.number)
        let ops = task.cell.operations
        let score = ops.map { op -> Double in
            switch op {
            case .conv3x3: return 10
            case .conv1x1: return 7
            case .skipConnect: return 4
            case .avgPool3x3: return 3
            case .none: return 0
            }
        }.reduce(0, +)
        let noise = Double(task.seed % 1000) / 1000
        let redundancy = Double(ops.filter { $0 == .skipConnect || $0 == .none }.count) / 6
        let counts = networkCounts(for: task.cell) ?? NetworkCounts(params: 1000, flops: 2000)
        let metrics = CandidateMetrics(validAccuracy: 30 + score + noise, testAccuracy: 29 + score,
                                       msrs: redundancy * 15, msrsNormalized: redundancy,
                                       params: counts.params, flops: counts.flops, epochs: 1, trainSeconds: 1.5, msrsSeconds: 0.1)
        return .finished(metrics)
    }
}

final class SearchDriverTests: XCTestCase {
    private func tempRun() -> RunDirectory {
        RunDirectory(FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID())"))
    }

    private func settings(evaluations: Int = 25, fitness: Fitness = Fitness(kind: .penalty, lambda: 10),
                          reuse: Bool = false, seed: UInt64 = 7) -> SearchSettings {
        SearchSettings(algorithm: .regularizedEvolution(populationSize: 5, sampleSize: 3), fitness: fitness,
                       budget: Budget(evaluations: evaluations), seed: seed, reuseCanonical: reuse)
    }

    /// Comparable content of a run: the journal minus wall-clock fields.
    private func fingerprint(_ records: [EvaluationRecord]) -> [String] {
        records.map { "\($0.number) \($0.arch) \($0.seed) \($0.parent ?? -1) \($0.reusedFrom ?? -1) \($0.metrics.validAccuracy)" }
    }

    func testUninterruptedRunUsesTheBudgetAndJournalsEveryEvaluation() throws {
        let run = tempRun()
        let driver = try SearchDriver(store: run, settings: settings(), evaluator: FakeCandidateEvaluator())
        XCTAssertEqual(try driver.run(), .budgetExhausted)
        XCTAssertEqual(driver.records.count, 25)
        XCTAssertEqual(try Journal<EvaluationRecord>(url: run.journal).load().records, driver.records)
        XCTAssertEqual(driver.records.filter { $0.parent != nil }.count, 20, "after 5 random members, every child has a parent")
        let best = driver.records[driver.bestNumber!]
        let fitness = Fitness(kind: .penalty, lambda: 10)
        XCTAssertEqual(fitness.penalizedScore(best.result), driver.records.map { fitness.penalizedScore($0.result) }.max())
    }

    func testStopAndResumeGivesTheSameHistoryAsAnUninterruptedRun() throws {
        let reference = try SearchDriver(store: tempRun(), settings: settings(), evaluator: FakeCandidateEvaluator())
        try reference.run()
        for k in [0, 1, 4, 5, 6, 13, 24] {
            let run = tempRun()
            let first = FakeCandidateEvaluator(); first.stopAfterStarts = k
            let stop = StopSignal()
            XCTAssertEqual(try SearchDriver(store: run, settings: settings(), evaluator: first, stop: stop).run(), .stopped)
            let resumed = try SearchDriver(store: run, settings: settings(), evaluator: FakeCandidateEvaluator())
            XCTAssertEqual(resumed.records.count, k)
            try resumed.run()
            XCTAssertEqual(fingerprint(resumed.records), fingerprint(reference.records), "stopped after \(k)")
            XCTAssertEqual(resumed.bestNumber, reference.bestNumber)
            XCTAssertEqual(resumed.state.population, reference.state.population)
        }
    }

    func testFinishedEvaluationsAreNeverRedoneOnResume() throws {
        let run = tempRun()
        let first = FakeCandidateEvaluator(); first.stopAfterStarts = 8
        try SearchDriver(store: run, settings: settings(), evaluator: first).run()
        let second = FakeCandidateEvaluator()
        try SearchDriver(store: run, settings: settings(), evaluator: second).run()
        XCTAssertEqual(first.evaluatedNumbers, Array(0..<8))
        XCTAssertEqual(second.evaluatedNumbers, Array(8..<25))
    }

    func testLostStateAndTornJournalTailAreRepairedFromTheJournal() throws {
        let reference = try SearchDriver(store: tempRun(), settings: settings(), evaluator: FakeCandidateEvaluator())
        try reference.run()
        let run = tempRun()
        let first = FakeCandidateEvaluator(); first.stopAfterStarts = 10
        try SearchDriver(store: run, settings: settings(), evaluator: first).run()
        try FileManager.default.removeItem(at: run.state)
        let handle = try FileHandle(forWritingTo: run.journal)
        handle.seekToEndOfFile(); handle.write(Data("{\"number\":10,\"ar".utf8)); handle.closeFile()
        var events: [String] = []
        let resumed = try SearchDriver(store: run, settings: settings(), evaluator: FakeCandidateEvaluator()) { event in
            if case let .repaired(what) = event { events.append(what) }
        }
        XCTAssertEqual(events.count, 2, "\(events)")
        try resumed.run()
        XCTAssertEqual(fingerprint(resumed.records), fingerprint(reference.records))
    }

    func testAJournalFromAnotherSeedIsRefused() throws {
        let run = tempRun()
        try SearchDriver(store: run, settings: settings(evaluations: 6), evaluator: FakeCandidateEvaluator()).run()
        XCTAssertThrowsError(try SearchDriver(store: run, settings: settings(seed: 8), evaluator: FakeCandidateEvaluator())) { error in
            XCTAssertTrue("\(error)".contains("journal entry 0"), "\(error)")
        }
    }

    func testBudgetGrowthContinuesTheSameSearch() throws {
        let reference = try SearchDriver(store: tempRun(), settings: settings(evaluations: 20), evaluator: FakeCandidateEvaluator())
        try reference.run()
        let run = tempRun()
        try SearchDriver(store: run, settings: settings(evaluations: 12), evaluator: FakeCandidateEvaluator()).run()
        let grown = try SearchDriver(store: run, settings: settings(evaluations: 20), evaluator: FakeCandidateEvaluator())
        try grown.run()
        XCTAssertEqual(fingerprint(grown.records), fingerprint(reference.records))
    }

    func testCacheReusesCanonicallyEqualCellsAndRecordsIt() throws {
        let run = tempRun()
        let evaluator = FakeCandidateEvaluator()
        // A two-op space makes repeats of canonical forms certain within 40 evaluations.
        var s = settings(evaluations: 40, reuse: true)
        s.space = try SearchSpace(operationNames: ["none", "skip_connect"])
        let driver = try SearchDriver(store: run, settings: s, evaluator: evaluator)
        try driver.run()
        let reused = driver.records.filter(\.reused)
        XCTAssertFalse(reused.isEmpty)
        for r in reused {
            let source = driver.records[r.reusedFrom!]
            XCTAssertEqual(source.canonical, r.canonical)
            XCTAssertFalse(source.reused)
            XCTAssertEqual(r.metrics, source.metrics)
            XCTAssertEqual(r.seconds, 0)
        }
        XCTAssertEqual(evaluator.evaluatedNumbers.count, 40 - reused.count)
    }

    /// A record served from the cache keeps its source's accuracy and MSRS but carries its own
    /// architecture's parameters and FLOPs (a dead convolution still has weights).
    func testCacheHitsCarryTheirOwnParamsAndFLOPs() throws {
        let evaluator = FakeCandidateEvaluator()
        let spec = try NetworkSpec(channels: 8, cells: 1, classes: 10, inputChannels: 1, inputSize: 28)
        evaluator.spec = spec
        var s = settings(evaluations: 80, reuse: true)
        s.space = try SearchSpace(operationNames: ["none", "skip_connect", "nor_conv_3x3"])
        let run = tempRun()
        let driver = try SearchDriver(store: run, settings: s, evaluator: evaluator)
        try driver.run()
        let reused = driver.records.filter(\.reused)
        XCTAssertFalse(reused.isEmpty)
        var differing = 0
        for r in reused {
            let source = driver.records[r.reusedFrom!], cell = try r.cell()
            XCTAssertEqual(r.metrics.params, spec.parameterCount(for: cell), "#\(r.number) index \(r.index)")
            XCTAssertEqual(r.metrics.flops, spec.flops(for: cell), "#\(r.number) index \(r.index)")
            XCTAssertEqual(r.metrics.validAccuracy, source.metrics.validAccuracy)
            XCTAssertEqual(r.metrics.msrsNormalized, source.metrics.msrsNormalized)
            if r.metrics.params != source.metrics.params { differing += 1 }
        }
        XCTAssertGreaterThan(differing, 0, "some cache hit has other counts than its source")
        let journal = try Journal<EvaluationRecord>(url: run.journal).load().records
        XCTAssertEqual(journal.map(\.metrics), driver.records.map(\.metrics))
    }

    func testTimeBudgetStopsAfterTheCandidateThatCrossesIt() throws {
        var s = settings()
        s.budget = Budget(seconds: 10)  // each fake evaluation charges 1.6 s
        let driver = try SearchDriver(store: tempRun(), settings: s, evaluator: FakeCandidateEvaluator())
        try driver.run()
        XCTAssertEqual(driver.records.count, 7)
    }

    func testASecondDriverCannotLockARunInUse() throws {
        let run = tempRun()
        let lock = try RunLock(run)
        XCTAssertThrowsError(try RunLock(run)) { XCTAssertTrue("\($0)".contains("another rednas process")) }
        withExtendedLifetime(lock) {}
    }
}
