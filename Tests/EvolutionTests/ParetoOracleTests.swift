import Evolution
import Randomness
import TestSupport
import XCTest

/// The O(n log n) Pareto front sort and the O(n) Pareto answer against their quadratic definitions.
final class ParetoOracleTests: XCTestCase {
    /// Coarse values so that ties in one or both objectives, and identical points, are common.
    private func randomPoints(_ count: Int, _ g: inout SeededGenerator) -> [ParetoPoint] {
        (0..<count).map { _ in ParetoPoint(accuracy: Double(g.int(below: 7)), msrs: Double(g.int(below: 6)) / 5) }
    }

    func testFrontsMatchPeelingWithTiesAndDuplicates() {
        var g = SeededGenerator(seed: 21)
        for trial in 0..<500 {
            let points = randomPoints(g.int(below: 60), &g)
            XCTAssertEqual(Pareto.fronts(points), ParetoOracle.fronts(points), "trial \(trial): \(points)")
        }
    }

    func testFrontsMatchPeelingOnDistinctValues() {
        var g = SeededGenerator(seed: 22)
        for trial in 0..<100 {
            let points = (0..<(1 + g.int(below: 200))).map { _ in
                ParetoPoint(accuracy: Double(g.int(below: 1_000_000)) / 1e4, msrs: Double(g.int(below: 1_000_000)) / 1e6)
            }
            XCTAssertEqual(Pareto.fronts(points), ParetoOracle.fronts(points), "trial \(trial)")
        }
    }

    /// MSRS values jittered by float noise (±1e-9) around a coarse grid: equal at the stated
    /// tolerance, so the fast sweep and the peeling definition still agree.
    func testFrontsMatchPeelingWithNoiseBelowTheTolerance() {
        var g = SeededGenerator(seed: 24)
        for trial in 0..<300 {
            let points = (0..<g.int(below: 60)).map { _ in
                ParetoPoint(accuracy: Double(g.int(below: 7)),
                            msrs: Double(g.int(below: 6)) / 5 + Double(g.int(below: 3) - 1) * 1e-9)
            }
            XCTAssertEqual(Pareto.fronts(points), ParetoOracle.fronts(points), "trial \(trial): \(points)")
        }
    }

    func testFirstFrontIsFrontZero() {
        var g = SeededGenerator(seed: 23)
        for _ in 0..<200 {
            let points = randomPoints(g.int(below: 40), &g)
            let oracle = ParetoOracle.fronts(points)
            XCTAssertEqual(Pareto.firstFront(points), points.indices.filter { oracle[$0] == 0 })
        }
    }

    func testParetoAnswerMatchesItsDefinition() {
        var g = SeededGenerator(seed: 24)
        let fitness = Fitness(kind: .pareto)
        for trial in 0..<500 {
            let results: [EvaluationResult] = (0..<g.int(below: 30)).map { _ in
                if g.int(below: 10) == 0 { return .diverged() }
                let msrs: Double? = g.int(below: 6) == 0 ? nil : Double(g.int(below: 6)) / 5
                return EvaluationResult(validAccuracy: Double(50 + g.int(below: 6)), normalizedMSRS: msrs)
            }
            XCTAssertEqual(fitness.answerIndex(results), ParetoOracle.answerIndex(results), "trial \(trial)")
        }
    }
}
