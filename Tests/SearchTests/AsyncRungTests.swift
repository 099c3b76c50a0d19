import CellSpace
import Evolution
import Foundation
import Randomness
import XCTest
@testable import RunModel
@testable import Search

/// An in-memory store for a multi-fidelity parallel search: it logs what a database store logs and
/// keeps each candidate's committed files (its rung checkpoint among them), which `restore` writes
/// into a worker's folder, as `PostgresSearch` does across machines.
private final class RungMemoryQueue: WorkQueue {
    let search: AsyncSearch
    var state: AsyncSearchState
    var log: [SearchLogEvent] = []
    var tokens: [Int: Int64] = [:]
    var files: [Int: [String: Data]] = [:]
    private var nextToken: Int64 = 1
    var location: String { "memory" }

    init(_ settings: SearchSettings) {
        search = AsyncSearch(settings: settings)
        state = AsyncSearchState(seed: settings.seed)
    }

    func claim(worker: String, networkCounts: @escaping (Cell) -> NetworkCounts?) throws -> WorkClaim {
        let step = try search.propose(&state, networkCounts: networkCounts)
        log += step.events
        guard let work = step.work else { return search.isFinished(state) ? .finished : .wait }
        XCTAssertNil(tokens[work.number], "#\(work.number) handed out while in flight")
        nextToken += 1
        tokens[work.number] = nextToken
        return .work(WorkLease(task: search.task(work, runFingerprint: nil), worker: worker, token: nextToken,
                               attempt: 1, leaseSeconds: 60))
    }

    func restore(_ lease: WorkLease, into folder: URL) throws {
        for (name, data) in files[lease.task.number] ?? [:] {
            try data.write(to: folder.appendingPathComponent(name))
        }
    }

    func renew(_ lease: WorkLease) throws -> Bool { tokens[lease.task.number] == lease.token }

    func commit(_ lease: WorkLease, metrics: CandidateMetrics, seconds: Double, folder: URL) throws -> CommitOutcome {
        guard tokens[lease.task.number] == lease.token else { return .refused("taken over") }
        let record = try search.complete(&state, number: lease.task.number, metrics: metrics, seconds: seconds)
        log.append(.completed(number: lease.task.number, record: record))
        tokens[lease.task.number] = nil
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            files[lease.task.number, default: [:]][name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return .committed(record)
    }

    func fail(_ lease: WorkLease, reason: String) throws { XCTFail("unexpected failure: \(reason)") }
    func release(_ lease: WorkLease) throws { XCTFail("unexpected release") }
}

final class AsyncRungTests: XCTestCase {
    private var roots: [URL] = []

    override func tearDown() { for root in roots { try? FileManager.default.removeItem(at: root) } }

    /// A fresh folder standing for one machine's work directory.
    private func machine() -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("async-rungs-\(UUID())")
        roots.append(root)
        return root
    }

    private func folder(_ root: URL, _ task: CandidateTask) throws -> URL {
        let folder = root.appendingPathComponent(String(task.number))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    private func settings(_ kind: FidelityLadder.Kind, epochs: Int = 120,
                          fitness: Fitness = Fitness(kind: .penalty, lambda: 10)) -> SearchSettings {
        SearchSettings(algorithm: .regularizedEvolution(populationSize: 6, sampleSize: 3), fitness: fitness,
                       budget: Budget(epochs: epochs), seed: 11, reuseCanonical: true,
                       ladder: FidelityLadder(kind: kind, minEpochs: 1, eta: 3, maxEpochs: 9), trainingEpochs: 9)
    }

    private func lines(_ records: [EvaluationRecord]) -> [String] {
        records.map {
            "\($0.number) c\($0.candidateNumber) b\($0.bracket ?? -1) r\($0.rung ?? -1) \($0.arch) \($0.seed) "
                + "\($0.metrics.epochs) \($0.parent ?? -1) \($0.metrics.validAccuracy) \($0.seconds)"
        }
    }

    /// One worker through the asynchronous search is the one-process driver under the scheduler,
    /// record for record (promotions, seeds, seconds) and state for state — for every fitness kind.
    func testOneWorkerIsTheOneProcessDriver() throws {
        let fitnesses = [Fitness(kind: .accuracy), Fitness(kind: .penalty, lambda: 10), Fitness(kind: .constraint, bound: 0.4),
                         Fitness(kind: .lexicographic, epsilon: 3), Fitness(kind: .pareto)]
        for kind in [FidelityLadder.Kind.successiveHalving, .hyperband] {
            for fitness in fitnesses {
                let run = RunDirectory(machine())
                let driver = try SearchDriver(store: run, settings: settings(kind, fitness: fitness), evaluator: FakeRungEvaluator())
                try driver.run()

                let queue = RungMemoryQueue(settings(kind, fitness: fitness))
                var committed: [EvaluationRecord] = []
                let root = machine()
                let collect = { (event: SearchWorker.Event) in
                    if case let .committed(record) = event { committed.append(record) }
                }
                let worker = SearchWorker(queue: queue, evaluator: FakeRungEvaluator(), workspace: { try self.folder(root, $0) },
                                          worker: "w", stop: StopSignal(), events: collect)
                XCTAssertEqual(try worker.run(), .finished)
                XCTAssertTrue(committed.contains { $0.isPromotion }, "\(kind) \(fitness.kind)")
                XCTAssertEqual(lines(committed), lines(driver.records), "\(kind) \(fitness.kind)")
                XCTAssertEqual(queue.state.search, driver.state, "\(kind) \(fitness.kind)")
                XCTAssertEqual(queue.search.answer(in: queue.state), driver.search.answer(in: driver.state))
                XCTAssertEqual(try queue.search.replay(queue.log, location: "log"), queue.state)
            }
        }
    }

    /// Four workers on four machines, completions in a random order: every piece of work completes
    /// once, a promotion continues the checkpoint its candidate's last rung left (restored from the
    /// store on whatever machine it lands), the epochs budget counts the work in flight, and the
    /// replay of the log rebuilds the state at every step.
    func testFourMachinesInterleavedPromoteFromTheStoredCheckpoint() throws {
        for kind in [FidelityLadder.Kind.successiveHalving, .hyperband] {
            var generator = SeededGenerator(seed: 7)
            let evaluator = FakeRungEvaluator()
            let queue = RungMemoryQueue(settings(kind, epochs: 150))
            let machines = (0..<4).map { _ in machine() }
            var inFlight: [(lease: WorkLease, machine: URL)] = []
            var rounds = 0
            while true {
                rounds += 1
                while inFlight.count < 4, case let .work(lease) = try queue.claim(worker: "w", networkCounts: { _ in nil }) {
                    // Before this claim, the epochs used and in flight were below the budget.
                    let own = lease.task.epochs! - (queue.state.inFlight.last!.promotes.map { queue.state.search.history[$0].fidelity } ?? 0)
                    XCTAssertLessThan(queue.state.search.epochsUsed + queue.search.epochsInFlight(queue.state) - own, 150)
                    inFlight.append((lease, machines[generator.int(below: machines.count)]))
                }
                if inFlight.isEmpty { break }
                let (lease, root) = inFlight.remove(at: generator.int(below: inFlight.count))
                let place = try folder(root, lease.task)
                try queue.restore(lease, into: place)
                guard case let .finished(metrics) = try evaluator.evaluate(lease.task, in: place, stop: StopSignal(), progress: { _ in }) else {
                    return XCTFail("the fake always finishes")
                }
                _ = try queue.commit(lease, metrics: metrics, seconds: 1, folder: place)
                XCTAssertEqual(try queue.search.replay(queue.log, location: "log"), queue.state, "\(kind) replay after round \(rounds)")
            }
            XCTAssertEqual(try queue.claim(worker: "w", networkCounts: { _ in nil }), .finished)
            let records = queue.log.compactMap { event -> EvaluationRecord? in
                if case let .completed(_, record) = event { return record } else { return nil }
            }
            XCTAssertEqual(records.map(\.number), Array(records.indices))
            // Each (candidate, rung) once; the rungs of a candidate in order; promotions continued.
            var reached: [Int: Int] = [:]
            let workOf = Dictionary(uniqueKeysWithValues: queue.state.rungCandidates!.map { ($0.firstRecord, $0.work) })
            for r in records {
                XCTAssertEqual(r.rung, reached[r.candidateNumber].map { $0 + 1 } ?? 0, "\(kind) #\(r.number)")
                reached[r.candidateNumber] = r.rung
                if r.isPromotion {
                    let rungs = FidelityLadder(kind: kind, minEpochs: 1, eta: 3, maxEpochs: 9).rungs(bracket: r.bracket!)
                    let work = workOf[r.candidateNumber]!
                    let t = evaluator.trainings.first { $0.number == work && $0.to == r.metrics.epochs }!
                    XCTAssertEqual(t.from, rungs[r.rung! - 1], "\(kind) #\(r.number) continued its last rung's checkpoint")
                    XCTAssertEqual(r.seed, records[r.candidateNumber].seed)
                    XCTAssertEqual(r.seed, queue.search.settings.candidateSeed(work))
                }
            }
            XCTAssertTrue(records.contains { $0.isPromotion }, "\(kind)")
            XCTAssertNotEqual(queue.state.completedProposals, queue.state.completedProposals.sorted(), "interleaved")
            // The budget: every epoch charged once; the last claim left it below the limit.
            XCTAssertEqual(queue.state.search.epochsUsed, records.epochsUsed)
            XCTAssertGreaterThanOrEqual(records.epochsUsed, 150)
            XCTAssertLessThan(records.epochsUsed, 150 + 4 * 9, "in-flight work counted against the budget")
        }
    }

    func testReplayRefusesAPromotionTheRuleDidNotMake() throws {
        let queue = RungMemoryQueue(settings(.successiveHalving))
        let root = machine()
        let worker = SearchWorker(queue: queue, evaluator: FakeRungEvaluator(), workspace: { try self.folder(root, $0) },
                                  worker: "w", stop: StopSignal(), maxCandidates: 12)
        _ = try worker.run()
        guard let at = queue.log.firstIndex(where: { if case .promoted = $0 { true } else { false } }),
              case let .promoted(number, candidate, rung) = queue.log[at] else { return XCTFail("no promotion in \(queue.log)") }
        var log = queue.log
        log[at] = .promoted(number: number, candidate: candidate, rung: rung + 1)
        XCTAssertThrowsError(try queue.search.replay(log, location: "log")) { error in
            XCTAssertTrue("\(error)".contains("rung \(rung + 1)"), "\(error)")
        }
    }
}
