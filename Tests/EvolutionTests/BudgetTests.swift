import XCTest
import Evolution
import TestSupport

final class BudgetTests: XCTestCase {
    private let evaluator = FakeEvaluator()
    private let rea = EvolutionarySearch(space: FakeGenomeSpace(), algorithm: .regularizedEvolution(populationSize: 10, sampleSize: 3))

    func testEvaluationBudgetStopsAtExactlyThatMany() {
        for limit in [1, 9, 10, 11, 33] {
            var state = SearchState<[Int]>(seed: 6)
            rea.run(&state, budget: Budget(evaluations: limit), evaluate: evaluator.callAsFunction)
            XCTAssertEqual(state.evaluationsUsed, limit)
            XCTAssertNil(state.pending)
        }
    }

    func testSecondsBudgetStopsOnceTheRecordedTimeReachesIt() {
        let limit = 250.0
        var state = SearchState<[Int]>(seed: 12)
        rea.run(&state, budget: Budget(seconds: limit), evaluate: evaluator.callAsFunction)
        let times = state.history.map(\.seconds)
        XCTAssertEqual(times, state.history.map { evaluator.seconds($0.genome) })
        XCTAssertEqual(state.secondsUsed, times.reduce(0, +))
        XCTAssertGreaterThanOrEqual(state.secondsUsed, limit)
        XCTAssertLessThan(times.dropLast().reduce(0, +), limit, "it did not run one step too many")
    }

    func testWhicheverBudgetEndsFirst() {
        var state = SearchState<[Int]>(seed: 12)
        rea.run(&state, budget: Budget(evaluations: 5, seconds: 1e9), evaluate: evaluator.callAsFunction)
        XCTAssertEqual(state.evaluationsUsed, 5)
        var timed = SearchState<[Int]>(seed: 12)
        rea.run(&timed, budget: Budget(evaluations: 1000, seconds: 30), evaluate: evaluator.callAsFunction)
        XCTAssertLessThan(timed.evaluationsUsed, 1000)
        XCTAssertGreaterThanOrEqual(timed.secondsUsed, 30)
    }

    func testReusedResultsCountAsEvaluationsButAreMarked() {
        var state = SearchState<[Int]>(seed: 2)
        for step in 0..<6 {
            let proposal = rea.propose(&state)
            rea.record(evaluator.evaluate(proposal.genome), reused: step % 2 == 1, seconds: step % 2 == 1 ? 0 : 5, into: &state)
        }
        XCTAssertEqual(state.evaluationsUsed, 6)
        XCTAssertEqual(state.freshEvaluations, 3)
        XCTAssertEqual(state.secondsUsed, 15)
        XCTAssertEqual(state.history.map(\.reused), [false, true, false, true, false, true])
        XCTAssertTrue(state.hasExhausted(Budget(evaluations: 6)))
        XCTAssertFalse(state.hasExhausted(Budget(evaluations: 7, seconds: 16)))
        XCTAssertTrue(state.hasExhausted(Budget(seconds: 15)))
    }
}
