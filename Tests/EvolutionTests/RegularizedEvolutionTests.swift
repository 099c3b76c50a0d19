import XCTest
import Evolution
import Randomness
import TestSupport

/// REA semantics on hand-made cases. Genomes are Ints; a random genome is a draw below 1000 and a
/// mutation adds 1000, so every child visibly names its parent's genome.
final class RegularizedEvolutionTests: XCTestCase {
    private let space = ClosureGenomeSpace<Int>(random: { $0.int(below: 1000) }, mutate: { parent, _ in parent + 1000 })

    private func search(population: Int, sample: Int, fitness: Fitness = .accuracy) -> EvolutionarySearch<ClosureGenomeSpace<Int>> {
        EvolutionarySearch(space: space, algorithm: .regularizedEvolution(populationSize: population, sampleSize: sample),
                           fitness: fitness)
    }

    private func step(_ search: EvolutionarySearch<ClosureGenomeSpace<Int>>, _ state: inout SearchState<Int>,
                      accuracy: Double) -> Proposal<Int> {
        let proposal = search.propose(&state)
        search.record(EvaluationResult(validAccuracy: accuracy, normalizedMSRS: 0.5), seconds: 1, into: &state)
        return proposal
    }

    func testInitialPopulationIsRandomThenMutationsOfTheSample() {
        let rea = search(population: 3, sample: 2)
        var state = SearchState<Int>(seed: 5)
        for accuracy in [10.0, 20, 30] {
            let proposal = step(rea, &state, accuracy: accuracy)
            XCTAssertNil(proposal.parent)
            XCTAssertTrue(proposal.tournament.isEmpty)
            XCTAssertLessThan(proposal.genome, 1000)
        }
        XCTAssertEqual(state.population, [0, 1, 2])
        for _ in 0..<20 {
            let proposal = step(rea, &state, accuracy: 15)
            let parent = try! XCTUnwrap(proposal.parent)
            XCTAssertEqual(proposal.tournament.count, 2)
            XCTAssertEqual(proposal.genome, state.history[parent].genome + 1000, "the child is a mutation of the parent")
        }
    }

    func testAgingRemovesTheOldestEvenIfItIsTheBest() {
        let rea = search(population: 3, sample: 3)
        var state = SearchState<Int>(seed: 1)
        _ = step(rea, &state, accuracy: 99)  // the best member ever
        _ = step(rea, &state, accuracy: 10)
        _ = step(rea, &state, accuracy: 20)
        _ = step(rea, &state, accuracy: 5)
        XCTAssertEqual(state.population, [1, 2, 3], "member 0 aged out despite being the best")
        _ = step(rea, &state, accuracy: 5)
        XCTAssertEqual(state.population, [2, 3, 4])
        // Member 0 can no longer be a parent, but it stays the answer.
        for _ in 0..<30 {
            let living = state.population
            let proposal = step(rea, &state, accuracy: 1)
            XCTAssertNotEqual(proposal.parent, 0)
            XCTAssertTrue(proposal.tournament.allSatisfy(living.contains), "only living members are drawn")
            XCTAssertEqual(state.population, Array(living.dropFirst()) + [state.history.count - 1])
        }
        XCTAssertEqual(rea.answer(in: state), 0)
    }

    func testTournamentDrawsUniformlyWithReplacementFromThePopulation() {
        let rea = search(population: 4, sample: 6)
        var state = SearchState<Int>(seed: 9)
        for accuracy in [1.0, 2, 3, 4] { _ = step(rea, &state, accuracy: accuracy) }
        var sawRepeat = false
        for round in 0..<25 {
            // Replay the draws with a copy of the generator: sample = population[int(below: count)] × S.
            var replay = state.generator
            let expected = (0..<6).map { _ in state.population[replay.int(below: state.population.count)] }
            let proposal = step(rea, &state, accuracy: Double(round % 3))
            XCTAssertEqual(proposal.tournament, expected)
            sawRepeat = sawRepeat || Set(proposal.tournament).count < proposal.tournament.count
        }
        XCTAssertTrue(sawRepeat, "six draws from four members must repeat one: drawing is with replacement")
    }

    func testParentIsBestOfSampleFirstOnTies() {
        let rea = search(population: 5, sample: 3)
        var state = SearchState<Int>(seed: 3)
        for accuracy in [40.0, 40, 40, 40, 40] { _ = step(rea, &state, accuracy: accuracy) }
        for _ in 0..<30 {
            let tiedBefore = state.population.allSatisfy { state.history[$0].result.validAccuracy == 40 }
            let proposal = step(rea, &state, accuracy: 40)
            let accuracies = proposal.tournament.map { state.history[$0].result.validAccuracy }
            let best = accuracies.max()!
            XCTAssertEqual(proposal.parent, proposal.tournament[accuracies.firstIndex(of: best)!])
            if tiedBefore { XCTAssertEqual(proposal.parent, proposal.tournament[0], "all tied: the first drawn") }
        }
        // Distinct accuracies: the parent is the sample's most accurate member.
        var distinct = SearchState<Int>(seed: 4)
        for accuracy in [10.0, 50, 20, 40, 30] { _ = step(rea, &distinct, accuracy: accuracy) }
        for round in 0..<30 {
            let proposal = step(rea, &distinct, accuracy: Double(60 + round))
            let best = proposal.tournament.max { distinct.history[$0].result.validAccuracy < distinct.history[$1].result.validAccuracy }
            XCTAssertEqual(proposal.parent, best)
        }
    }

    func testProposeIsIdempotentUntilRecorded() {
        let rea = search(population: 2, sample: 2)
        var state = SearchState<Int>(seed: 11)
        _ = step(rea, &state, accuracy: 1)
        _ = step(rea, &state, accuracy: 2)
        let first = rea.propose(&state)
        let snapshot = state
        XCTAssertEqual(rea.propose(&state), first)
        XCTAssertEqual(state, snapshot, "a second propose draws nothing")
        var copy = snapshot
        copy.pending = nil
        copy.generator = SeededGenerator(seed: 0)
        XCTAssertNotEqual(rea.propose(&copy), first, "sanity: a different generator proposes differently")
    }

    func testRandomSearchKeepsTheBest() {
        let evaluator = FakeEvaluator()
        let random = EvolutionarySearch(space: FakeGenomeSpace(), algorithm: .randomSearch)
        var state = SearchState<[Int]>(seed: 21)
        random.run(&state, budget: Budget(evaluations: 40), evaluate: evaluator.callAsFunction)
        XCTAssertEqual(state.history.count, 40)
        XCTAssertTrue(state.population.isEmpty)
        XCTAssertTrue(state.history.allSatisfy { $0.parent == nil })
        let accuracies = state.history.map { $0.result.isUsable ? $0.result.validAccuracy : -1 }
        let answer = try! XCTUnwrap(random.answer(in: state))
        XCTAssertEqual(answer, accuracies.firstIndex(of: accuracies.max()!))
        // The genomes are the generator's uniform draws, in order.
        var replay = SeededGenerator(seed: 21)
        XCTAssertEqual(state.history.map(\.genome), (0..<40).map { _ in FakeGenomeSpace().randomGenome(using: &replay) })
    }

    func testREAImprovesOnTheFakeProblem() {
        let evaluator = FakeEvaluator()
        let rea = EvolutionarySearch(space: FakeGenomeSpace(), algorithm: .regularizedEvolution(populationSize: 10, sampleSize: 3))
        var state = SearchState<[Int]>(seed: 2)
        rea.run(&state, budget: Budget(evaluations: 200), evaluate: evaluator.callAsFunction)
        let initialBest = state.history.prefix(10).map(\.result.validAccuracy).max()!
        let answer = state.history[rea.answer(in: state)!].result.validAccuracy
        XCTAssertGreaterThan(answer, initialBest)
        XCTAssertGreaterThanOrEqual(answer, 64, "the optimum is 70; 200 steps of REA should get close")
    }
}
