import CellSpace
import Evolution
import Foundation
import Randomness
import XCTest
@testable import RunModel
@testable import Search

/// An in-memory WorkQueue on `AsyncSearch`, logging what a database store logs (and serving the
/// canonical cache from its log as the database store does).
final class MemoryQueue: WorkQueue {
    let search: AsyncSearch
    var state: AsyncSearchState
    var log: [SearchLogEvent] = []
    var tokens: [Int: Int64] = [:]
    private var nextToken: Int64 = 1
    var location: String { "memory" }

    init(_ settings: SearchSettings) {
        search = AsyncSearch(settings: settings)
        state = AsyncSearchState(seed: settings.seed)
    }

    func claim(worker: String, networkCounts: @escaping (Cell) -> NetworkCounts?) throws -> WorkClaim {
        let completed = log.compactMap { event -> EvaluationRecord? in
            if case let .completed(_, record) = event { return record } else { return nil }
        }
        let step = try search.propose(&state, earlier: { canonical in
            completed.filter { $0.canonical == canonical && !$0.reused }.min { $0.number < $1.number }
        }, networkCounts: networkCounts)
        log += step.events
        guard let work = step.work else { return search.isFinished(state) ? .finished : .wait }
        nextToken += 1
        tokens[work.number] = nextToken
        return .work(WorkLease(task: search.task(work, runFingerprint: nil), worker: worker, token: nextToken,
                               attempt: 1, leaseSeconds: 60))
    }

    func restore(_ lease: WorkLease, into folder: URL) throws {}

    func renew(_ lease: WorkLease) throws -> Bool { tokens[lease.task.number] == lease.token }

    func commit(_ lease: WorkLease, metrics: CandidateMetrics, seconds: Double, folder: URL) throws -> CommitOutcome {
        guard tokens[lease.task.number] == lease.token else { return .refused("taken over") }
        let record = try search.complete(&state, number: lease.task.number, metrics: metrics, seconds: seconds)
        log.append(.completed(number: lease.task.number, record: record))
        tokens[lease.task.number] = nil
        return .committed(record)
    }

    func fail(_ lease: WorkLease, reason: String) throws { XCTFail("unexpected failure: \(reason)") }
    func release(_ lease: WorkLease) throws { XCTFail("unexpected release") }
}

final class AsyncSearchTests: XCTestCase {
    private func settings(_ algorithm: SearchAlgorithm = .regularizedEvolution(populationSize: 5, sampleSize: 3),
                          evaluations: Int = 25) -> SearchSettings {
        SearchSettings(algorithm: algorithm, fitness: Fitness(kind: .penalty, lambda: 10),
                       budget: Budget(evaluations: evaluations), seed: 11)
    }

    private func comparable(_ records: [EvaluationRecord]) -> [String] {
        records.map { "\($0.number) \($0.arch) \($0.seed) \($0.parent ?? -1) \($0.metrics.validAccuracy)" }
    }

    /// One worker through the asynchronous search is the sequential driver, record for record.
    func testOneWorkerIsTheSequentialSearch() throws {
        for algorithm in [SearchAlgorithm.regularizedEvolution(populationSize: 5, sampleSize: 3), .randomSearch] {
            let run = RunDirectory(FileManager.default.temporaryDirectory.appendingPathComponent("async-\(UUID())"))
            defer { try? FileManager.default.removeItem(at: run.url) }
            let driver = try SearchDriver(store: run, settings: settings(algorithm), evaluator: FakeCandidateEvaluator())
            try driver.run()

            let queue = MemoryQueue(settings(algorithm))
            var committed: [EvaluationRecord] = []
            let record = { (event: SearchWorker.Event) in
                if case let .committed(record) = event { committed.append(record) }
            }
            let worker = SearchWorker(queue: queue, evaluator: FakeCandidateEvaluator(), workspace: { _ in run.url },
                                      worker: "w", stop: StopSignal(), events: record)
            XCTAssertEqual(try worker.run(), .finished)
            XCTAssertEqual(comparable(committed), comparable(driver.records), "\(algorithm)")
            XCTAssertEqual(queue.state.search.history, driver.state.history)
        }
    }

    /// Many candidates in flight, completed in a random order: every proposal completes once, the
    /// budget is kept, and replaying the log at every step rebuilds the state exactly.
    func testInterleavedCompletionsReplayToTheSameState() throws {
        var generator = SeededGenerator(seed: 99)
        let evaluator = FakeCandidateEvaluator()
        let queue = MemoryQueue(settings(evaluations: 30))
        var inFlight: [WorkLease] = []
        var rounds = 0
        while true {
            rounds += 1
            // Up to 6 workers claim; then a random one of the in-flight candidates completes.
            while inFlight.count < 6, case let .work(lease) = try queue.claim(worker: "w", networkCounts: { _ in nil }) {
                inFlight.append(lease)
            }
            if inFlight.isEmpty { break }
            let lease = inFlight.remove(at: generator.int(below: inFlight.count))
            guard case let .finished(metrics) = try evaluator.evaluate(lease.task, in: URL(fileURLWithPath: "/tmp"), stop: StopSignal(), progress: { _ in }) else {
                return XCTFail("the fake always finishes")
            }
            _ = try queue.commit(lease, metrics: metrics, seconds: 1, folder: URL(fileURLWithPath: "/tmp"))
            XCTAssertEqual(try queue.search.replay(queue.log, location: "log"), queue.state, "replay after round \(rounds)")
        }
        XCTAssertEqual(try queue.claim(worker: "w", networkCounts: { _ in nil }), .finished)
        XCTAssertEqual(queue.state.search.history.count, 30)
        XCTAssertEqual(queue.state.proposed, 30, "in-flight proposals count against the budget")
        XCTAssertEqual(Set(queue.state.completedProposals).count, 30, "each proposal completed once")
        XCTAssertNotEqual(queue.state.completedProposals, Array(0..<30), "completions were interleaved")
        // A mutation's parent is a member of the history that was complete when it was proposed.
        for member in queue.state.search.history { if let parent = member.parent { XCTAssertLessThan(parent, 30) } }
    }

    func testReplayRefusesALogThatDoesNotFitTheConfig() throws {
        let queue = MemoryQueue(settings(evaluations: 3))
        _ = try queue.claim(worker: "w", networkCounts: { _ in nil })
        var log = queue.log
        guard case let .proposed(number, _) = log[0] else { return XCTFail() }
        log[0] = .proposed(number: number, arch: "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")
        XCTAssertThrowsError(try queue.search.replay(log, location: "log")) { error in
            XCTAssertTrue("\(error)".contains("journal entry 0"), "\(error)")
        }
        let early = [SearchLogEvent.completed(number: 5, record: EvaluationRecord(
            number: 0, arch: "x", index: 0, canonical: "x", seed: 0, parent: nil, reusedFrom: nil,
            result: EvaluationResult(validAccuracy: 1, normalizedMSRS: nil), metrics: CandidateMetrics(validAccuracy: 1, params: 0, flops: 0, epochs: 0, trainSeconds: 0, msrsSeconds: 0),
            seconds: 0, finishedAt: ""))]
        XCTAssertThrowsError(try queue.search.replay(early, location: "log")) { error in
            XCTAssertTrue("\(error)".contains("not in flight"), "\(error)")
        }
    }
}
