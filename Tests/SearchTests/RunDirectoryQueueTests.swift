import CellSpace
import Evolution
import Foundation
import Persistence
import Randomness
import XCTest
@testable import RunModel
@testable import Search

/// The run directory as a work queue, on real files: interleaved workers, lost leases, a
/// sequential run continued by workers, and the repair of a commit cut short.
final class RunDirectoryQueueTests: XCTestCase {
    private var run: RunDirectory!
    private let binding = RunBinding(fingerprint: "f00d", bound: ["config": "c", "space": "s"])

    override func setUpWithError() throws {
        run = RunDirectory(FileManager.default.temporaryDirectory.appendingPathComponent("queue-\(UUID())"))
        try FileManager.default.createDirectory(at: run.url, withIntermediateDirectories: true)
        try run.bindJournal(binding, legacyRecords: 0)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: run.url) }

    private func settings(evaluations: Int) -> SearchSettings {
        SearchSettings(algorithm: .regularizedEvolution(populationSize: 5, sampleSize: 3), fitness: Fitness(kind: .penalty, lambda: 10),
                       budget: Budget(evaluations: evaluations), seed: 13)
    }

    private func queue(evaluations: Int) throws -> RunDirectoryQueue {
        let queue = RunDirectoryQueue(run: run, settings: settings(evaluations: evaluations), binding: binding)
        try queue.prepare()
        return queue
    }

    /// A worker name of a live process (this one).
    private let me = "host:\(getpid())"

    private func evaluate(_ lease: WorkLease, in queue: RunDirectoryQueue) throws -> (CandidateMetrics, URL) {
        let folder = try queue.workspace(for: lease.task)
        guard case let .finished(metrics) = try FakeCandidateEvaluator().evaluate(lease.task, in: folder, stop: StopSignal(),
                                                                                   progress: { _ in }) else {
            throw SearchError.damaged(path: "fake", detail: "did not finish")
        }
        try JSONStyle.document(metrics).write(to: folder.appendingPathComponent("metrics.json"))
        return (metrics, folder)
    }

    private func log() throws -> [SearchLogEvent] { try Journal<SearchLogEvent>(url: run.proposalLog).load().records }

    private func storedState() throws -> SearchState<Cell> {
        try JSONStyle.decoder().decode(SearchState<Cell>.self, from: XCTUnwrap(run.loadState()))
    }

    /// Four workers claim and commit in a random order: each proposal is proposed and completed
    /// once, the journal is the log's completions in history order, the files follow history
    /// numbers, and replaying the log gives state.json.
    func testInterleavedWorkersCommitEachCandidateOnceAndTheLogReplaysToTheState() throws {
        let queue = try queue(evaluations: 20)
        var generator = SeededGenerator(seed: 5)
        var inFlight: [WorkLease] = []
        while true {
            while inFlight.count < 4, case let .work(lease) = try queue.claim(worker: me, networkCounts: { _ in nil }) {
                inFlight.append(lease)
            }
            if inFlight.isEmpty { break }
            let lease = inFlight.remove(at: generator.int(below: inFlight.count))
            let (metrics, folder) = try evaluate(lease, in: queue)
            guard case let .committed(record) = try queue.commit(lease, metrics: metrics, seconds: 1, folder: folder) else {
                return XCTFail("commit refused")
            }
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.candidate(number: record.number, index: record.index)
                .appendingPathComponent("metrics.json").path))
            XCTAssertEqual(try queue.search.replay(try log(), location: "log").search, try storedState())
        }
        XCTAssertEqual(try queue.claim(worker: me, networkCounts: { _ in nil }), .finished)
        let events = try log()
        let proposed = events.compactMap { event -> Int? in
            if case let .proposed(number, _) = event { return number }
            return nil
        }
        let completed = events.compactMap { event -> (Int, EvaluationRecord)? in
            if case let .completed(number, record) = event { return (number, record) }
            return nil
        }
        XCTAssertEqual(proposed, Array(0..<20))
        XCTAssertEqual(completed.map(\.0).sorted(), Array(0..<20))
        XCTAssertNotEqual(completed.map(\.0), Array(0..<20), "completions were interleaved")
        let journal = try run.verifiedJournal(expected: binding)
        XCTAssertEqual(journal.records, completed.map(\.1))
        XCTAssertEqual(journal.records.map(\.number), Array(0..<20))
        XCTAssertEqual(run.finishedCandidateNumbers(), Array(0..<20))
        XCTAssertEqual(try storedState().history.count, 20)
    }

    /// A worker that died holding a lease: the next claim takes over the same task (attempt 2,
    /// a new token); the dead worker's commit is refused, the new one counts once.
    func testADeadWorkersCandidateIsTakenOverAndCountedOnce() throws {
        let queue = try queue(evaluations: 3)
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let dead = "host:\(gone.processIdentifier)"
        guard case let .work(first) = try queue.claim(worker: dead, networkCounts: { _ in nil }) else { return XCTFail() }
        guard case let .work(second) = try queue.claim(worker: me, networkCounts: { _ in nil }) else { return XCTFail() }
        XCTAssertEqual(second.task, first.task, "the same architecture and seed again")
        XCTAssertEqual(second.attempt, 2)
        XCTAssertNotEqual(second.token, first.token)
        XCTAssertFalse(try queue.renew(first))
        XCTAssertTrue(try queue.renew(second))
        let (metrics, folder) = try evaluate(second, in: queue)
        XCTAssertEqual(try queue.commit(first, metrics: metrics, seconds: 1, folder: folder),
                       .refused("its lease was taken over (this worker's token \(first.token), the current one \(second.token))"))
        guard case .committed = try queue.commit(second, metrics: metrics, seconds: 1, folder: folder) else { return XCTFail() }
        if case .committed = try queue.commit(second, metrics: metrics, seconds: 1, folder: folder) { XCTFail("committed twice") }
        XCTAssertEqual(try run.loadJournal().records.count, 1)
        // A live worker's lease is not taken: the next claim is a new proposal.
        guard case let .work(third) = try queue.claim(worker: me, networkCounts: { _ in nil }) else { return XCTFail() }
        guard case let .work(fourth) = try queue.claim(worker: me, networkCounts: { _ in nil }) else { return XCTFail() }
        XCTAssertEqual([third.task.number, fourth.task.number], [1, 2])
        XCTAssertEqual(try queue.claim(worker: me, networkCounts: { _ in nil }), .wait, "budget taken by candidates in flight")
        try queue.release(third)
        guard case let .work(again) = try queue.claim(worker: me, networkCounts: { _ in nil }) else { return XCTFail() }
        XCTAssertEqual(again.task, third.task)
        XCTAssertEqual(again.attempt, 1, "a release gives its attempt back")
    }

    /// A candidate that keeps failing is recorded as failed (diverged) after the attempt limit.
    func testACandidateThatKeepsFailingIsRecordedAsFailed() throws {
        let queue = try queue(evaluations: 1)
        for attempt in 1...3 {
            guard case let .work(lease) = try queue.claim(worker: me, networkCounts: { _ in nil }) else { return XCTFail() }
            XCTAssertEqual(lease.attempt, attempt)
            try queue.fail(lease, reason: "out of memory")
        }
        XCTAssertEqual(try queue.claim(worker: me, networkCounts: { _ in nil }), .finished)
        let records = try run.loadJournal().records
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(records.first?.metrics.diverged, "failed after 3 attempt(s): out of memory")
    }

    /// A sequential run continued by the queue: the journal becomes the log, and one worker then
    /// goes on exactly as the sequential search would have.
    func testASequentialRunContinuesThroughTheQueueAsTheSequentialSearch() throws {
        let whole = RunDirectory(FileManager.default.temporaryDirectory.appendingPathComponent("whole-\(UUID())"))
        defer { try? FileManager.default.removeItem(at: whole.url) }
        try SearchDriver(store: whole, settings: settings(evaluations: 9), evaluator: FakeCandidateEvaluator()).run()

        try SearchDriver(store: run, settings: settings(evaluations: 4), evaluator: FakeCandidateEvaluator(),
                         binding: binding).run()
        let queue = try queue(evaluations: 9)
        XCTAssertEqual(try log().count, 8)
        let worker = SearchWorker(queue: queue, evaluator: FakeCandidateEvaluator(), workspace: { try queue.workspace(for: $0) },
                                  worker: me, stop: StopSignal())
        XCTAssertEqual(try worker.run(), .finished)
        let expected = try whole.loadJournal().records.map { "\($0.number) \($0.arch) \($0.seed) \($0.parent ?? -1)" }
        XCTAssertEqual(try run.loadJournal().records.map { "\($0.number) \($0.arch) \($0.seed) \($0.parent ?? -1)" }, expected)
        XCTAssertEqual(try storedState().history, try JSONStyle.decoder().decode(SearchState<Cell>.self, from: XCTUnwrap(whole.loadState())).history)
    }

    /// A kill after the log line of a commit, before its journal line and folder move: the next
    /// call appends the record and moves the folder.
    func testACommitCutShortAfterItsLogLineIsCompletedByTheNextCall() throws {
        let queue = try queue(evaluations: 2)
        guard case let .work(lease) = try queue.claim(worker: me, networkCounts: { _ in nil }) else { return XCTFail() }
        let (metrics, folder) = try evaluate(lease, in: queue)
        guard case let .committed(record) = try queue.commit(lease, metrics: metrics, seconds: 1, folder: folder) else { return XCTFail() }
        // Undo the journal line and the folder move, as if the process died after the log line.
        let journal = try String(contentsOf: run.journal, encoding: .utf8).split(separator: "\n")
        try (journal.dropLast().joined(separator: "\n") + "\n").write(to: run.journal, atomically: true, encoding: .utf8)
        let target = run.candidate(number: record.number, index: record.index)
        try FileManager.default.moveItem(at: target, to: folder)
        XCTAssertEqual(try run.loadJournal().records.count, 0)

        _ = try queue.state()
        XCTAssertEqual(try run.loadJournal().records, [record])
        XCTAssertTrue(FileManager.default.fileExists(atPath: target.appendingPathComponent("metrics.json").path))
        XCTAssertNoThrow(try run.verifiedJournal(expected: binding))
    }
}
