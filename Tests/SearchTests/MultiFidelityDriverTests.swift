import CellSpace
import Evolution
import Foundation
import Persistence
import XCTest
@testable import RunModel
@testable import Search

/// A stand-in for training with rungs: it keeps a "checkpoint" (the epochs trained) in the
/// candidate folder, refuses to go backwards, and scores a candidate by a curve over epochs whose
/// early order differs from its late one (so rungs matter).
final class FakeRungEvaluator: CandidateEvaluator {
    var stopAfterStarts: Int?
    private(set) var starts = 0
    /// (candidate number, epochs trained before, epochs asked) per finished training.
    private(set) var trainings: [(number: Int, from: Int, to: Int)] = []

    func evaluate(_ task: CandidateTask, in directory: URL, stop: StopSignal,
                  progress: (CandidateProgress) -> Void) throws -> CandidateOutcome {
        starts += 1
        let checkpoint = directory.appendingPathComponent("fake-checkpoint")
        let before = (try? String(contentsOf: checkpoint, encoding: .utf8)).flatMap { Int($0) } ?? 0
        let target = task.epochs ?? 9
        precondition(target >= before, "asked to train #\(task.number) to \(target) epochs, it has \(before)")
        if let limit = stopAfterStarts, starts > limit {
            // Killed mid-rung: one more epoch reached the checkpoint, not the whole rung.
            if target > before + 1 { try String(before + 1).write(to: checkpoint, atomically: true, encoding: .utf8) }
            stop.request("test")
            return .interrupted
        }
        try String(target).write(to: checkpoint, atomically: true, encoding: .utf8)
        trainings.append((task.number, before, target))
        let ops = task.cell.operations
        let conv = Double(ops.filter { $0 == .conv3x3 || $0 == .conv1x1 }.count)
        let fast = Double(ops.filter { $0 == .skipConnect }.count)
        let e = Double(target)
        // Skip-heavy cells learn fast and plateau; conv-heavy ones start slow and end higher.
        let accuracy = 40 + fast * 6 * (1 - exp(-e)) + conv * 1.2 * e + Double(task.seed % 100) / 100
        let msrs = Double(ops.filter { $0 == .skipConnect || $0 == .none }.count) / 6
        return .finished(CandidateMetrics(validAccuracy: accuracy, testAccuracy: accuracy - 1, msrs: msrs * 15,
                                          msrsNormalized: msrs, params: 1000, flops: 2000, epochs: target,
                                          trainSeconds: 0.5 * e, msrsSeconds: 0.1))
    }
}

final class MultiFidelityDriverTests: XCTestCase {
    private func tempRun() -> RunDirectory {
        RunDirectory(FileManager.default.temporaryDirectory.appendingPathComponent("rungs-\(UUID())"))
    }

    private func settings(_ kind: FidelityLadder.Kind = .successiveHalving, epochs: Int = 120,
                          fitness: Fitness = Fitness(kind: .penalty, lambda: 10)) -> SearchSettings {
        SearchSettings(algorithm: .regularizedEvolution(populationSize: 6, sampleSize: 3), fitness: fitness,
                       budget: Budget(epochs: epochs), seed: 11, reuseCanonical: true,
                       ladder: FidelityLadder(kind: kind, minEpochs: 1, eta: 3, maxEpochs: 9))
    }

    private func lines(_ records: [EvaluationRecord]) -> [String] {
        records.map {
            "\($0.number) c\($0.candidateNumber) b\($0.bracket ?? -1) r\($0.rung ?? -1) \($0.arch) \($0.metrics.epochs) "
                + "\($0.parent ?? -1) \($0.metrics.validAccuracy) \($0.seconds)"
        }
    }

    func testEpochBudgetIsCountedInEpochsTrainedAndPromotionsContinue() throws {
        let evaluator = FakeRungEvaluator()
        let run = tempRun()
        let driver = try SearchDriver(store: run, settings: settings(), evaluator: evaluator)
        XCTAssertEqual(try driver.run(), .budgetExhausted)
        let records = driver.records
        // Charged by hand: a new candidate its first rung (1), a promotion the epochs it adds (3 − 1, 9 − 3).
        var charged = 0, reached: [Int: Int] = [:]
        for r in records {
            XCTAssertNil(r.reusedFrom, "no cache under a scheduler")
            let expectedEpochs = [1, 3, 9][r.rung!]
            XCTAssertEqual(r.metrics.epochs, expectedEpochs)
            charged += expectedEpochs - (reached[r.candidateNumber] ?? 0)
            reached[r.candidateNumber] = expectedEpochs
        }
        XCTAssertEqual(driver.state.epochsUsed, charged)
        XCTAssertEqual(records.epochsUsed, charged)
        XCTAssertGreaterThanOrEqual(charged, 120)
        let lastCost = records.last!.metrics.epochs - (records.dropLast().last { $0.candidateNumber == records.last!.candidateNumber }?.metrics.epochs ?? 0)
        XCTAssertLessThan(charged - lastCost, 120, "it stopped at the first step that reached the budget")
        // Promotions continued the candidate's own checkpoint, never restarted it.
        for t in evaluator.trainings where !records.contains(where: { $0.isPromotion && $0.candidateNumber == t.number && $0.metrics.epochs == t.to }) {
            XCTAssertEqual(t.from, 0, "a new candidate starts from scratch")
        }
        for r in records where r.isPromotion {
            let t = evaluator.trainings.first { $0.number == r.candidateNumber && $0.to == r.metrics.epochs }!
            XCTAssertEqual(t.from, [1, 3, 9][r.rung! - 1])
            XCTAssertEqual(r.seconds, 0.5 * Double(t.to - t.from) + 0.1, accuracy: 1e-9, "a rung is charged its own time")
        }
        XCTAssertTrue(records.contains { $0.rung == 2 }, "some candidates reached the top rung")
        XCTAssertTrue(records.contains { $0.isPromotion })
        // The answer is a candidate at the top rung, the best there by the fitness.
        let best = records[driver.bestNumber!]
        XCTAssertEqual(best.metrics.epochs, 9)
        let top = records.latestPerCandidate.filter { $0.metrics.epochs == 9 }
        let fitness = Fitness(kind: .penalty, lambda: 10)
        XCTAssertEqual(fitness.penalizedScore(best.result), top.map { fitness.penalizedScore($0.result) }.max())
        XCTAssertEqual(try Journal<EvaluationRecord>(url: run.journal).load().records, records)
    }

    func testKillMidRungThenResumeGivesTheSameJournal() throws {
        for kind in [FidelityLadder.Kind.successiveHalving, .hyperband] {
            let reference = try SearchDriver(store: tempRun(), settings: settings(kind), evaluator: FakeRungEvaluator())
            try reference.run()
            let promotions = reference.records.indices.filter { reference.records[$0].isPromotion }
            // Stops during a new candidate's rung, during promotions (first, a middle one) and at the end.
            for k in [0, 3, promotions[0], promotions[promotions.count / 2], reference.records.count - 1] {
                let run = tempRun()
                let first = FakeRungEvaluator(); first.stopAfterStarts = k
                XCTAssertEqual(try SearchDriver(store: run, settings: settings(kind), evaluator: first).run(), .stopped)
                let resumed = try SearchDriver(store: run, settings: settings(kind), evaluator: FakeRungEvaluator())
                XCTAssertEqual(resumed.records.count, k)
                try resumed.run()
                XCTAssertEqual(lines(resumed.records), lines(reference.records), "\(kind) stopped after \(k)")
                XCTAssertEqual(resumed.bestNumber, reference.bestNumber)
                XCTAssertEqual(resumed.state, reference.state)
            }
        }
    }

    func testHyperbandStartsCandidatesInEveryBracket() throws {
        let driver = try SearchDriver(store: tempRun(), settings: settings(.hyperband, epochs: 150), evaluator: FakeRungEvaluator())
        try driver.run()
        let starts = driver.records.filter { !$0.isPromotion }
        XCTAssertEqual(starts.prefix(6).map { $0.bracket! }, [0, 1, 2, 0, 1, 2])
        XCTAssertEqual(starts.prefix(3).map(\.metrics.epochs), [1, 3, 9], "bracket s starts at rung s of the ladder")
    }

    func testAJournalMadeWithoutTheSchedulerIsRefused() throws {
        let run = tempRun()
        let plain = SearchSettings(algorithm: .regularizedEvolution(populationSize: 6, sampleSize: 3),
                                   fitness: Fitness(kind: .penalty, lambda: 10), budget: Budget(evaluations: 8), seed: 11)
        try SearchDriver(store: run, settings: plain, evaluator: FakeRungEvaluator()).run()
        XCTAssertThrowsError(try SearchDriver(store: run, settings: settings(), evaluator: FakeRungEvaluator())) { error in
            XCTAssertTrue("\(error)".contains("journal entry"), "\(error)")
        }
    }

    func testTheEpochBudgetWorksWithoutTheScheduler() throws {
        var plain = settings()
        plain.ladder = nil
        plain.reuseCanonical = false
        plain.budget = Budget(epochs: 40)
        let driver = try SearchDriver(store: tempRun(), settings: plain, evaluator: FakeRungEvaluator())
        try driver.run()
        XCTAssertEqual(driver.records.count, 5, "9 epochs each: 4 × 9 = 36 < 40 ≤ 45")
        XCTAssertEqual(driver.state.epochsUsed, 45)
    }
}
