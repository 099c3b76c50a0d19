import XCTest
import Foundation
import Evolution
import Randomness
import TestSupport

/// "k steps + encode state + decode + rest == uninterrupted, bit for bit."
final class ResumeTests: XCTestCase {
    private let evaluator = FakeEvaluator()

    private func roundTrip(_ state: SearchState<[Int]>) throws -> SearchState<[Int]> {
        try JSONDecoder().decode(SearchState<[Int]>.self, from: JSONEncoder().encode(state))
    }

    private func bytes(_ state: SearchState<[Int]>) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(state)
    }

    private func check(_ search: EvolutionarySearch<FakeGenomeSpace>, budget: Budget, seed: UInt64,
                       interruptions: [Int], file: StaticString = #filePath, line: UInt = #line) throws {
        var uninterrupted = SearchState<[Int]>(seed: seed)
        search.run(&uninterrupted, budget: budget, evaluate: evaluator.callAsFunction)
        for k in interruptions {
            var state = SearchState<[Int]>(seed: seed)
            var steps = 0
            while steps < k, !state.hasExhausted(budget) {
                let proposal = search.propose(&state)
                search.record(evaluator.evaluate(proposal.genome), seconds: evaluator.seconds(proposal.genome), into: &state)
                steps += 1
            }
            var resumed = try roundTrip(state)
            XCTAssertEqual(resumed, state, "k=\(k): the state survives JSON", file: file, line: line)
            search.run(&resumed, budget: budget, evaluate: evaluator.callAsFunction)
            XCTAssertEqual(resumed, uninterrupted, "k=\(k)", file: file, line: line)
            XCTAssertEqual(try bytes(resumed), try bytes(uninterrupted), "k=\(k)", file: file, line: line)
        }
    }

    func testResumeAfterKStepsEqualsUninterruptedForEveryFitness() throws {
        let fitnesses = [Fitness.accuracy, Fitness(kind: .penalty, lambda: 10), Fitness(kind: .constraint, bound: 0.5),
                         Fitness(kind: .lexicographic, epsilon: 1), Fitness(kind: .pareto)]
        for fitness in fitnesses {
            let rea = EvolutionarySearch(space: FakeGenomeSpace(),
                                         algorithm: .regularizedEvolution(populationSize: 10, sampleSize: 3), fitness: fitness)
            try check(rea, budget: Budget(evaluations: 60), seed: 17, interruptions: [0, 1, 5, 9, 10, 11, 37, 59, 60])
        }
        let random = EvolutionarySearch(space: FakeGenomeSpace(), algorithm: .randomSearch)
        try check(random, budget: Budget(evaluations: 30), seed: 3, interruptions: [0, 7, 29])
    }

    func testResumeUnderASecondsBudget() throws {
        let rea = EvolutionarySearch(space: FakeGenomeSpace(), algorithm: .regularizedEvolution(populationSize: 5, sampleSize: 2))
        try check(rea, budget: Budget(seconds: 300.5), seed: 8, interruptions: [1, 4, 12, 20])
    }

    func testCheckpointWithAPendingProposalResumesTheSameProposal() throws {
        let rea = EvolutionarySearch(space: FakeGenomeSpace(), algorithm: .regularizedEvolution(populationSize: 4, sampleSize: 2))
        let budget = Budget(evaluations: 25)
        var uninterrupted = SearchState<[Int]>(seed: 44)
        rea.run(&uninterrupted, budget: budget, evaluate: evaluator.callAsFunction)

        var state = SearchState<[Int]>(seed: 44)
        for _ in 0..<13 {
            let proposal = rea.propose(&state)
            rea.record(evaluator.evaluate(proposal.genome), seconds: evaluator.seconds(proposal.genome), into: &state)
        }
        let proposed = rea.propose(&state)   // a crash after this, before the result is recorded
        var resumed = try roundTrip(state)
        XCTAssertEqual(rea.propose(&resumed), proposed)
        rea.run(&resumed, budget: budget, evaluate: evaluator.callAsFunction)
        XCTAssertEqual(resumed, uninterrupted)
    }

    func testDifferentSeedsGiveDifferentRuns() {
        let rea = EvolutionarySearch(space: FakeGenomeSpace(), algorithm: .regularizedEvolution(populationSize: 10, sampleSize: 3))
        var a = SearchState<[Int]>(seed: 1), b = SearchState<[Int]>(seed: 2)
        rea.run(&a, budget: Budget(evaluations: 20), evaluate: evaluator.callAsFunction)
        rea.run(&b, budget: Budget(evaluations: 20), evaluate: evaluator.callAsFunction)
        XCTAssertNotEqual(a.history.map(\.genome), b.history.map(\.genome))
    }
}
