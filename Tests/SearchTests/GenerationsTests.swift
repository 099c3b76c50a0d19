import CellSpace
import Evolution
import Foundation
import Randomness
import XCTest
@testable import RunModel
@testable import Search

/// The deterministic parallel mode (`search.parallel: generations`): the one-machine driver runs
/// the generations the definition describes, and `AsyncSearch` gives that very history whatever
/// the number of workers and the order their results arrive in; the log replays to the state.
final class GenerationsTests: XCTestCase {
    private let fitnesses: [Fitness] = [
        Fitness(kind: .accuracy), Fitness(kind: .penalty, lambda: 10), Fitness(kind: .constraint, bound: 0.4),
        Fitness(kind: .lexicographic, epsilon: 2), Fitness(kind: .pareto),
    ]

    private func settings(_ algorithm: SearchAlgorithm = .regularizedEvolution(populationSize: 5, sampleSize: 3),
                          fitness: Fitness = Fitness(kind: .penalty, lambda: 10), generation: Int? = 4,
                          budget: Budget = Budget(evaluations: 23), reuse: Bool = false) throws -> SearchSettings {
        var s = SearchSettings(algorithm: algorithm, fitness: fitness, budget: budget, seed: 5, reuseCanonical: reuse,
                               generationSize: generation)
        // Two operations: canonical repeats (cache hits) are certain within a few generations.
        if reuse { s.space = try SearchSpace(operationNames: ["none", "skip_connect"]) }
        return s
    }

    private func tempRun() -> RunDirectory {
        RunDirectory(FileManager.default.temporaryDirectory.appendingPathComponent("generations-\(UUID())"))
    }

    /// Everything of a record but its wall-clock time.
    private func comparable(_ records: [EvaluationRecord]) -> [String] {
        records.map {
            "#\($0.number) \($0.arch) seed \($0.seed) parent \($0.parent ?? -1) reused \($0.reusedFrom ?? -1) "
                + "\($0.metrics.validAccuracy) \($0.metrics.msrsNormalized ?? -1) \($0.seconds)"
        }
    }

    private func localRun(_ s: SearchSettings) throws -> SearchDriver {
        let run = tempRun()
        defer { try? FileManager.default.removeItem(at: run.url) }
        let driver = try SearchDriver(store: run, settings: s, evaluator: FakeCandidateEvaluator())
        XCTAssertEqual(try driver.run(), .budgetExhausted)
        return driver
    }

    /// The definition, written directly on `EvolutionarySearch`: propose a generation from the
    /// state, evaluate its members in order (the cache serving from earlier generations only),
    /// record them in order; the time and epoch budgets checked between generations.
    private func reference(_ s: SearchSettings) throws -> [String] {
        let search = EvolutionarySearch(space: CellGenomeSpace(s.space), algorithm: s.algorithm, fitness: s.fitness)
        var state = SearchState<Cell>(seed: s.seed)
        var records: [EvaluationRecord] = []
        let evaluator = FakeCandidateEvaluator()
        while !state.hasExhausted(s.budget) {
            let start = records.count
            var batch: [Proposal<Cell>] = []
            for _ in 0..<min(s.generationSize!, (s.budget.evaluations ?? .max) - start) {
                batch.append(search.propose(&state))
                state.pending = nil
            }
            for proposal in batch {
                let number = records.count, cell = proposal.genome
                var metrics: CandidateMetrics, seconds = 0.0, source: Int?
                if s.reuseCanonical, let earlier = records[..<start].first(where: { $0.canonical == cell.canonicalString && !$0.reused }) {
                    (metrics, source) = (earlier.metrics, earlier.number)
                } else {
                    let task = CandidateTask(number: number, cell: cell, seed: s.candidateSeed(number), runFingerprint: nil)
                    guard case let .finished(m) = try evaluator.evaluate(task, in: URL(fileURLWithPath: "/tmp"), stop: StopSignal(),
                                                                         progress: { _ in }) else { throw XCTSkip("fake stopped") }
                    (metrics, seconds) = (m, m.trainSeconds + m.msrsSeconds)
                }
                records.append(EvaluationRecord(
                    number: number, arch: cell.architectureString, index: cell.index, canonical: cell.canonicalString,
                    seed: s.candidateSeed(number), parent: proposal.parent, reusedFrom: source,
                    result: EvaluationRecord.searchResult(from: metrics), metrics: metrics, seconds: seconds, finishedAt: ""))
                state.pending = proposal
                search.record(records.last!.result, reused: source != nil, seconds: seconds,
                              epochs: source != nil ? 0 : metrics.epochs, into: &state)
            }
        }
        return comparable(records)
    }

    /// `workers` workers on a memory queue; each round the idle ones claim, then a random one of the
    /// candidates in flight completes. Checks at every step that the log replays to the state.
    /// Returns the queue and the proposal numbers in the order their completions arrived.
    private func distributed(_ s: SearchSettings, workers: Int, order: UInt64) throws -> (MemoryQueue, [Int]) {
        var generator = SeededGenerator(seed: order)
        let evaluator = FakeCandidateEvaluator()
        let queue = MemoryQueue(s)
        var inFlight: [WorkLease] = []
        var arrivals: [Int] = []
        while true {
            while inFlight.count < workers, case let .work(lease) = try queue.claim(worker: "w", networkCounts: { _ in nil }) {
                inFlight.append(lease)
            }
            if inFlight.isEmpty { break }
            let lease = inFlight.remove(at: generator.int(below: inFlight.count))
            guard case let .finished(metrics) = try evaluator.evaluate(lease.task, in: URL(fileURLWithPath: "/tmp"), stop: StopSignal(),
                                                                       progress: { _ in }) else { throw XCTSkip("fake stopped") }
            _ = try queue.commit(lease, metrics: metrics, seconds: metrics.trainSeconds + metrics.msrsSeconds,
                                 folder: URL(fileURLWithPath: "/tmp"))
            arrivals.append(lease.task.number)
            XCTAssertEqual(try queue.search.replay(queue.log, location: "log"), queue.state, "replay after #\(lease.task.number)")
        }
        XCTAssertEqual(try queue.claim(worker: "w", networkCounts: { _ in nil }), .finished, "nothing in flight: finished")
        return (queue, arrivals)
    }

    private func history(_ queue: MemoryQueue) -> [EvaluationRecord] {
        queue.search.historyRecords(queue.log, in: queue.state)
    }

    func testTheDriverRunsTheGenerationsOfTheDefinition() throws {
        for algorithm in [SearchAlgorithm.regularizedEvolution(populationSize: 5, sampleSize: 3), .randomSearch] {
            for size in [1, 4, 7] {
                let s = try settings(algorithm, generation: size)
                let driver = try localRun(s)
                XCTAssertEqual(comparable(driver.records), try reference(s), "\(algorithm), generations of \(size)")
                for record in driver.records { if let parent = record.parent { XCTAssertLessThan(parent, record.number / size * size) } }
            }
        }
        // A generation of 1 is the sequential search; larger ones are another search.
        let sequential = try localRun(try settings(generation: nil))
        XCTAssertEqual(comparable(try localRun(try settings(generation: 1)).records), comparable(sequential.records))
        XCTAssertNotEqual(comparable(try localRun(try settings(generation: 4)).records), comparable(sequential.records))
    }

    /// 1, 2, 3 and 5 workers, results arriving in random orders, every fitness kind: the history is
    /// the one-machine run's, record for record, and so is the evolution state.
    func testAnyWorkersAndArrivalOrderGiveTheOneMachineRun() throws {
        var cases = fitnesses.map { (SearchAlgorithm.regularizedEvolution(populationSize: 5, sampleSize: 3), $0) }
        cases.append((.randomSearch, Fitness(kind: .pareto)))
        var outOfOrder = 0
        for (algorithm, fitness) in cases {
            let s = try settings(algorithm, fitness: fitness)
            let local = try localRun(s)
            for (workers, order) in [(1, 1), (2, 2), (3, 3), (3, 4), (5, 5)] as [(Int, UInt64)] {
                let (queue, arrivals) = try distributed(s, workers: workers, order: order)
                let what = "\(algorithm) \(fitness.kind), \(workers) workers"
                XCTAssertEqual(comparable(history(queue)), comparable(local.records), what)
                XCTAssertEqual(queue.state.search.history, local.state.history, what)
                XCTAssertEqual(queue.state.search.population, local.state.population, what)
                XCTAssertEqual(queue.state.search.generator, local.state.generator, what)
                XCTAssertEqual(queue.state.completedProposals, Array(0..<23), "history in proposal order: \(what)")
                XCTAssertTrue(queue.state.received.isEmpty && queue.state.inFlight.isEmpty, what)
                if arrivals != Array(0..<23) { outOfOrder += 1 }
            }
        }
        XCTAssertGreaterThan(outOfOrder, cases.count * 3, "most runs with several workers had results arrive out of order")
    }

    /// The cache serves a candidate from earlier generations only (never from a twin of its own
    /// generation, which may not have arrived), the same in both runs.
    func testCacheHitsComeFromEarlierGenerationsAlike() throws {
        let s = try settings(budget: Budget(evaluations: 30), reuse: true)
        let local = try localRun(s)
        XCTAssertEqual(comparable(local.records), try reference(s))
        let reused = local.records.filter(\.reused)
        XCTAssertFalse(reused.isEmpty)
        for r in reused { XCTAssertLessThan(r.reusedFrom!, r.number / 4 * 4, "#\(r.number) reuses its own generation") }
        for (workers, order) in [(1, 7), (3, 8), (4, 9)] as [(Int, UInt64)] {
            let (queue, _) = try distributed(s, workers: workers, order: order)
            XCTAssertEqual(comparable(history(queue)), comparable(local.records), "\(workers) workers")
        }
    }

    /// The epoch budget is checked between generations: 10 epochs with one per candidate end after
    /// the third generation of 4 (12 candidates), in both runs.
    func testEpochBudgetEndsAGenerationNotACandidate() throws {
        let s = try settings(budget: Budget(epochs: 10))
        let local = try localRun(s)
        XCTAssertEqual(local.records.count, 12)
        XCTAssertEqual(comparable(local.records), try reference(s))
        let (queue, _) = try distributed(s, workers: 3, order: 11)
        XCTAssertEqual(comparable(history(queue)), comparable(local.records))
    }

    /// Stopped after any number of candidates (mid-generation or at its end) and resumed, the
    /// one-machine run is the uninterrupted one.
    func testStopAndResumeMidGenerationGivesTheUninterruptedRun() throws {
        let s = try settings(reuse: true)
        let reference = try localRun(s)
        let trainings = reference.records.filter { !$0.reused }.count
        XCTAssertGreaterThan(trainings, 6)
        for k in [0, 1, 3, 4, 6, trainings - 1] {
            let run = tempRun()
            defer { try? FileManager.default.removeItem(at: run.url) }
            let first = FakeCandidateEvaluator(); first.stopAfterStarts = k
            XCTAssertEqual(try SearchDriver(store: run, settings: s, evaluator: first).run(), .stopped)
            let resumed = try SearchDriver(store: run, settings: s, evaluator: FakeCandidateEvaluator())
            XCTAssertEqual(try resumed.run(), .budgetExhausted)
            XCTAssertEqual(comparable(resumed.records), comparable(reference.records), "stopped after \(k) trainings")
            XCTAssertEqual(resumed.state.population, reference.state.population)
        }
    }

    /// A completion held for its predecessors is in the state (so the stored state is the log's
    /// replay) and joins the history once they have arrived.
    func testAnEarlyCompletionIsHeldUntilItsPredecessorsArrive() throws {
        let s = try settings(generation: 3, budget: Budget(evaluations: 6))
        let queue = MemoryQueue(s)
        var leases: [WorkLease] = []
        for _ in 0..<3 { if case let .work(lease) = try queue.claim(worker: "w", networkCounts: { _ in nil }) { leases.append(lease) } }
        XCTAssertEqual(leases.map(\.task.number), [0, 1, 2])
        XCTAssertEqual(try queue.claim(worker: "w", networkCounts: { _ in nil }), .wait, "generation 1 waits for generation 0")
        let evaluator = FakeCandidateEvaluator()
        func commit(_ lease: WorkLease) throws -> EvaluationRecord? {
            guard case let .finished(m) = try evaluator.evaluate(lease.task, in: URL(fileURLWithPath: "/tmp"), stop: StopSignal(),
                                                                 progress: { _ in }),
                  case let .committed(record) = try queue.commit(lease, metrics: m, seconds: 1, folder: URL(fileURLWithPath: "/tmp"))
            else { return nil }
            return record
        }
        XCTAssertEqual(try commit(leases[2])?.number, 2, "its history place is its proposal number")
        XCTAssertEqual(try commit(leases[1])?.number, 1)
        XCTAssertEqual(queue.state.search.history.count, 0, "#1 and #2 wait for #0")
        XCTAssertEqual(queue.state.received.map(\.work.number), [2, 1])
        XCTAssertEqual(try queue.search.replay(queue.log, location: "log"), queue.state)
        XCTAssertEqual(try queue.claim(worker: "w", networkCounts: { _ in nil }), .wait)
        _ = try commit(leases[0])
        XCTAssertEqual(queue.state.completedProposals, [0, 1, 2])
        XCTAssertTrue(queue.state.received.isEmpty)
        guard case let .work(next) = try queue.claim(worker: "w", networkCounts: { _ in nil }) else { return XCTFail("generation 1 opens") }
        XCTAssertEqual(next.task.number, 3)
    }
}
