import CellSpace
import Evolution
import Foundation
import Randomness
import TestSupport
import XCTest
@testable import Reports
@testable import Search

final class ReportNiceTicksTests: XCTestCase {
    func testRoundRanges() {
        let percent = NiceTicks(low: 0, high: 100)
        XCTAssertEqual(percent.values, [0, 20, 40, 60, 80, 100])
        XCTAssertEqual(percent.values.map(percent.label), ["0", "20", "40", "60", "80", "100"])

        let msrs = NiceTicks(low: 0.31, high: 0.97)
        XCTAssertEqual(msrs.step, 0.2, accuracy: 1e-12)
        XCTAssertEqual(msrs.lower, 0.2, accuracy: 1e-12)
        XCTAssertEqual(msrs.upper, 1.0, accuracy: 1e-12)
        XCTAssertEqual(msrs.values.map(msrs.label), ["0.2", "0.4", "0.6", "0.8", "1.0"])

        let accuracy = NiceTicks(low: 83.27, high: 91.4)
        XCTAssertEqual(accuracy.step, 2)
        XCTAssertEqual(accuracy.values, [82, 84, 86, 88, 90, 92])

        let evaluations = NiceTicks(low: 1, high: 10_000)
        XCTAssertEqual(evaluations.values, [0, 2_000, 4_000, 6_000, 8_000, 10_000])

        let quarter = NiceTicks(low: 0, high: 10, target: 4)
        XCTAssertEqual(quarter.step, 2.5)
        XCTAssertEqual(quarter.values.map(quarter.label), ["0.0", "2.5", "5.0", "7.5", "10.0"])
    }

    func testDegenerateAndFloatNoise() {
        let single = NiceTicks(low: 5, high: 5)
        XCTAssertLessThan(single.lower, 5)
        XCTAssertGreaterThan(single.upper, 5)
        let zero = NiceTicks(low: 0, high: 0)
        XCTAssertEqual(zero.lower, -1); XCTAssertEqual(zero.upper, 1)
        let fallback = NiceTicks(low: .nan, high: 3)
        XCTAssertEqual([fallback.lower, fallback.upper], [0, 1])
        let tenth = NiceTicks(low: 0, high: 0.5)
        XCTAssertEqual(tenth.label(0.30000000000000004), "0.3")
        XCTAssertEqual(NiceTicks(low: -1, high: 1).label(-0.0), "0.0")
    }

    /// Every range is covered, steps are 1, 2, 2.5 or 5 × 10^k, and there are 2…2·target intervals.
    func testPropertiesOnRandomRanges() {
        var g = SeededGenerator(seed: 11)
        for _ in 0..<2_000 {
            let scale = pow(10, Double(g.int(below: 12)) - 6)
            let a = (g.nextDouble() - 0.5) * scale, b = a + g.nextDouble() * scale + 1e-9
            let ticks = NiceTicks(low: a, high: b)
            XCTAssertLessThanOrEqual(ticks.lower, a + 1e-12 * scale)
            XCTAssertGreaterThanOrEqual(ticks.upper, b - 1e-12 * scale)
            let mantissa = ticks.step / pow(10, log10(ticks.step).rounded(.down))
            XCTAssertTrue([1, 2, 2.5, 5, 10].contains { abs($0 - mantissa) < 1e-9 }, "step \(ticks.step)")
            let intervals = ticks.values.count - 1
            XCTAssertTrue((2...10).contains(intervals), "\(a)…\(b): \(intervals) intervals of \(ticks.step)")
        }
    }
}

final class ReportAnalysisTests: XCTestCase {
    /// Random results on a coarse grid (so ties happen), some diverged, some with undefined MSRS.
    private func randomResults(_ n: Int, _ g: inout SeededGenerator) -> [EvaluationResult] {
        (0..<n).map { _ in
            if g.int(below: 10) == 0 { return .diverged() }
            let accuracy = 80 + Double(g.int(below: 8))
            let msrs: Double? = g.int(below: 8) == 0 ? nil : Double(g.int(below: 6)) / 5
            return EvaluationResult(validAccuracy: accuracy, normalizedMSRS: msrs)
        }
    }

    func testParetoFrontMatchesNonDominatedSorting() {
        var g = SeededGenerator(seed: 5)
        for trial in 0..<300 {
            let results = randomResults(1 + g.int(below: 40), &g)
            let eligible = results.indices.filter { results[$0].isUsable && results[$0].normalizedMSRS != nil }
            let points = eligible.map { ParetoPoint(accuracy: results[$0].validAccuracy, msrs: results[$0].normalizedMSRS!) }
            let fronts = ParetoOracle.fronts(points)
            let expected = Set(eligible.indices.filter { fronts[$0] == 0 }.map { eligible[$0] })
            let front = RunAnalysis.paretoFront(results)
            XCTAssertEqual(Set(front), expected, "trial \(trial)")
            XCTAssertEqual(front.count, expected.count, "no duplicates")
            let msrs = front.map { results[$0].normalizedMSRS! }
            XCTAssertEqual(msrs, msrs.sorted(), "step-line order")
        }
    }

    func testOperationSharesAgreeWithRecountingTheWindow() throws {
        let run = try ReportFixtures.drivenRun(at: ReportFixtures.temporaryFolder("shares"),
                                               config: ReportFixtures.config(population: 4, evaluations: 30))
        let records = try RunSnapshot.load(run).records
        for window in [1, 4, 10, 50] {
            let shares = OperationShares(records: records, window: window)
            XCTAssertEqual(shares.shares.count, records.count)
            for t in records.indices {
                let reference = OperationShares.reference(records: records, window: window, at: t)
                for k in reference.indices { XCTAssertEqual(shares.shares[t][k], reference[k], accuracy: 1e-12) }
                XCTAssertEqual(shares.shares[t].reduce(0, +), 1, accuracy: 1e-12)
            }
        }
        // After one evaluation the shares are that cell's op counts over 6.
        let first = try records[0].cell()
        let expected = OperationShares.operations.map { op in Double(first.operations.filter { $0 == op }.count) / 6 }
        XCTAssertEqual(OperationShares(records: records, window: 4).shares[0], expected)
    }

    func testRunningBestIsTheRunningMaximum() throws {
        let run = try ReportFixtures.drivenRun(at: ReportFixtures.temporaryFolder("best"),
                                               config: ReportFixtures.config(evaluations: 40))
        let snapshot = try RunSnapshot.load(run)
        let analysis = RunAnalysis(records: snapshot.records, fitness: snapshot.fitness)
        let accuracy = analysis.bestAccuracySoFar
        let fitness = try XCTUnwrap(analysis.bestFitnessSoFar)
        var best = -Double.infinity, bestFitness = -Double.infinity, seconds = 0.0
        var k = 0
        for r in snapshot.records {
            seconds += r.seconds
            if r.result.isUsable {
                best = max(best, r.result.validAccuracy)
                bestFitness = max(bestFitness, snapshot.fitness.penalizedScore(r.result))
            }
            guard best > -Double.infinity else { continue }
            XCTAssertEqual(accuracy[k].value, best); XCTAssertEqual(accuracy[k].number, r.number)
            XCTAssertEqual(accuracy[k].seconds, seconds, accuracy: 1e-9)
            XCTAssertEqual(fitness[k].value, bestFitness)
            k += 1
        }
        // The last best fitness is the answer's: the run's fitness is penalty, a per-candidate score.
        let answer = snapshot.records[try XCTUnwrap(analysis.answer)]
        XCTAssertEqual(fitness.last?.value, snapshot.fitness.penalizedScore(answer.result))
    }
}

final class ParetoReportTests: XCTestCase {
    /// Under `pareto` fitness the top-K table shows what the ranking used — the front and the
    /// crowding distance — not a "fitness" that only repeats the accuracy.
    func testParetoTableShowsFrontAndCrowding() throws {
        let run = try ReportFixtures.drivenRun(at: ReportFixtures.temporaryFolder("pareto-table"),
                                               config: ReportFixtures.config(evaluations: 30, fitness: .pareto))
        let report = try RunReport.load(run, topK: 30)
        XCTAssertEqual(report.tableColumns[7], "front · crowding")
        let results = report.analysis.records.map(\.result)
        let usable = results.indices.filter { results[$0].isUsable }
        let oracle = ParetoOracle.fronts(usable.map { ParetoPoint(accuracy: results[$0].validAccuracy,
                                                                  msrs: results[$0].effectiveMSRS) })
        var previousFront = 0
        for row in report.tableRows {
            let position = try XCTUnwrap(report.analysis.records.firstIndex { "\($0.number)" == row[1] })
            guard let k = usable.firstIndex(of: position) else { XCTAssertEqual(row[7], "—"); continue }
            let parts = row[7].components(separatedBy: " · ")
            XCTAssertEqual(parts.count, 2, row[7])
            let front = try XCTUnwrap(Int(parts[0]))
            XCTAssertEqual(front, oracle[k] + 1, "front of #\(row[1])")
            XCTAssertGreaterThanOrEqual(front, previousFront, "rows are ranked by front")
            previousFront = front
        }
        XCTAssertTrue(report.tableRows.contains { $0[7].hasPrefix("1 · ") })
        XCTAssertTrue(report.markdown().contains("front · crowding"))
    }
}
