import XCTest
import Evolution

/// Every fitness kind on hand-made candidate sets whose rankings were worked out by hand.
final class FitnessTests: XCTestCase {
    private func r(_ accuracy: Double, _ msrs: Double?) -> EvaluationResult {
        EvaluationResult(validAccuracy: accuracy, normalizedMSRS: msrs)
    }

    func testAccuracyIgnoresMSRSAndKeepsFirstOnTies() {
        let set = [r(80, 0.1), r(90, 0.9), r(90, 0.1), r(70, nil)]
        XCTAssertEqual(Fitness.accuracy.ranking(set), [1, 2, 0, 3])
        XCTAssertEqual(Fitness.accuracy.bestIndex(set), 1)
        XCTAssertNil(Fitness.accuracy.bestIndex([]))
    }

    func testPenaltyValueAndOrder() {
        let fitness = Fitness(kind: .penalty, lambda: 10)
        XCTAssertEqual(fitness.penalizedScore(r(90, 0.5)), 85)
        XCTAssertEqual(fitness.penalizedScore(r(88, 0.1)), 87)
        XCTAssertEqual(fitness.penalizedScore(r(90, nil)), 80, "undefined MSRS counts as 1")
        XCTAssertEqual(fitness.ranking([r(90, 0.5), r(88, 0.1), r(90, nil), r(79, 0)]), [1, 0, 2, 3])
        XCTAssertEqual(Fitness(kind: .penalty, lambda: 0).ranking([r(88, 0.1), r(90, 0.5)]), [1, 0], "λ = 0 is plain accuracy")
    }

    func testConstraintBound() {
        let fitness = Fitness(kind: .constraint, bound: 0.3)
        // 0.3 is exactly at the bound (admissible); nil is never admissible.
        let set = [r(95, 0.5), r(80, 0.3), r(85, nil), r(82, 0.2999), r(60, 0.30001)]
        XCTAssertEqual(fitness.ranking(set), [3, 1, 0, 2, 4])
        XCTAssertFalse(Fitness(kind: .constraint, bound: 1).isFeasible(r(99, nil)))
        XCTAssertTrue(Fitness(kind: .constraint, bound: 1).isFeasible(r(99, 1)))
    }

    func testLexicographicEpsilonBoundary() {
        let set = [r(90.0, 0.4), r(89.5, 0.3), r(89.25, 0.1), r(70, 0.0)]
        // ε = 0.5: 89.5 is exactly within reach of the best (inclusive), 89.25 is not.
        XCTAssertEqual(Fitness(kind: .lexicographic, epsilon: 0.5).ranking(set), [1, 0, 2, 3])
        XCTAssertEqual(Fitness(kind: .lexicographic, epsilon: 0.75).ranking(set), [2, 1, 0, 3])
        XCTAssertEqual(Fitness(kind: .lexicographic, epsilon: 0).ranking(set), [0, 1, 2, 3])
        // Equal MSRS among contenders: the more accurate, then the first.
        XCTAssertEqual(Fitness(kind: .lexicographic, epsilon: 1).ranking([r(89.5, 0.2), r(90, 0.2), r(90, 0.2)]), [1, 2, 0])
        // Undefined MSRS (= 1) loses to any defined one within ε.
        XCTAssertEqual(Fitness(kind: .lexicographic, epsilon: 1).bestIndex([r(90, nil), r(89.5, 0.99)]), 1)
    }

    func testParetoFrontsAndCrowdingByHand() {
        let points = [(90, 0.5), (85, 0.2), (80, 0.1), (84, 0.3), (88, 0.4), (70, 0.6)]
            .map { ParetoPoint(accuracy: Double($0.0), msrs: $0.1) }
        // 3 is dominated by 1 only; 5 by everyone.
        XCTAssertEqual(Pareto.fronts(points), [0, 0, 0, 1, 0, 2])
        // Front {0,1,2,4}. Accuracy order 2,1,4,0 (range 10): 1 → (88−80)/10 = 0.8, 4 → (90−85)/10 = 0.5.
        // MSRS order 2,1,4,0 (range 0.4): 1 → (0.4−0.1)/0.4 = 0.75, 4 → (0.5−0.2)/0.4 = 0.75. Ends: ∞.
        let crowding = Pareto.crowding(points, members: [0, 1, 2, 4])
        XCTAssertEqual(crowding[0], .infinity)
        XCTAssertEqual(crowding[2], .infinity)
        XCTAssertEqual(crowding[1], 1.55, accuracy: 1e-12)
        XCTAssertEqual(crowding[3], 1.25, accuracy: 1e-12)
        XCTAssertEqual(Pareto.ranking(points), [0, 2, 1, 4, 3, 5])

        let fitness = Fitness(kind: .pareto)
        let results = points.map { r($0.accuracy, $0.msrs) }
        XCTAssertEqual(fitness.ranking(results), [0, 2, 1, 4, 3, 5])
        XCTAssertEqual(fitness.answerIndex(results), 0, "answer: the most accurate non-dominated member")
        // Identical points do not dominate each other.
        XCTAssertEqual(Pareto.fronts([points[1], points[1], points[3]]), [0, 0, 1])
        XCTAssertEqual(Pareto.crowding(points, members: [1, 4]), [.infinity, .infinity])
    }

    /// MSRS values that differ only by floating-point noise (~1e-9) are equal for dominance: the
    /// more accurate point dominates; a difference above the 1e-6 grid still counts.
    func testParetoComparesMSRSAtTheStatedTolerance() {
        let accurate = ParetoPoint(accuracy: 80, msrs: 0.2 + 1e-9), noisy = ParetoPoint(accuracy: 79, msrs: 0.2)
        XCTAssertTrue(accurate.dominates(noisy))
        XCTAssertEqual(Pareto.fronts([accurate, noisy]), [0, 1])
        XCTAssertEqual(Pareto.fronts([noisy, accurate]), [1, 0])
        XCTAssertEqual(Fitness(kind: .pareto).ranking([r(79, 0.2), r(80, 0.2 + 1e-9)]), [1, 0])
        let better = ParetoPoint(accuracy: 79, msrs: 0.2 - 3e-6)
        XCTAssertFalse(accurate.dominates(better))
        XCTAssertEqual(Pareto.fronts([accurate, better]), [0, 0])
        XCTAssertEqual(Pareto.msrsTolerance, 1e-6)
    }

    func testParetoAnswerPrefersLowerMSRSOnAccuracyTies() {
        let fitness = Fitness(kind: .pareto)
        XCTAssertEqual(fitness.answerIndex([r(80, 0.1), r(90, 0.5), r(90, 0.4)]), 2)
        XCTAssertEqual(fitness.answerIndex([r(90, nil), r(85, 0.2)]), 0, "undefined = 1, still non-dominated by accuracy")
    }

    func testDivergedRanksLastUnderEveryFitness() {
        let set = [EvaluationResult.diverged(validAccuracy: 99), r(60, 0.9), r(50, nil),
                   EvaluationResult(validAccuracy: .nan, normalizedMSRS: 0.1)]
        for kind in Fitness.Kind.allCases {
            let fitness = Fitness(kind: kind, lambda: 5, bound: 0.5, epsilon: 1)
            let ranking = fitness.ranking(set)
            XCTAssertEqual(Array(ranking.suffix(2)), [0, 3], "\(kind)")
            XCTAssertEqual(fitness.bestIndex(set), 1, "\(kind)")
            XCTAssertEqual(fitness.answerIndex(set), 1, "\(kind)")
            XCTAssertEqual(fitness.bestIndex([.diverged(), .diverged()]), 0, "\(kind): all diverged → the first")
        }
    }

    func testTournamentUsesTheFitness() {
        // With penalty fitness the parent is the sample's best penalised member, not the most accurate.
        let space = ClosureGenomeSpace<Int>(random: { $0.int(below: 1000) }, mutate: { p, _ in p + 1000 })
        let rea = EvolutionarySearch(space: space, algorithm: .regularizedEvolution(populationSize: 2, sampleSize: 4),
                                     fitness: Fitness(kind: .penalty, lambda: 100))
        var state = SearchState<Int>(seed: 1)
        _ = rea.propose(&state); rea.record(r(95, 0.9), seconds: 1, into: &state)   // penalised −−: 5
        _ = rea.propose(&state); rea.record(r(60, 0.0), seconds: 1, into: &state)   // 60
        for _ in 0..<20 {
            var probe = state
            let proposal = rea.propose(&probe)
            if proposal.tournament.contains(1) { XCTAssertEqual(proposal.parent, 1) } else { XCTAssertEqual(proposal.parent, 0) }
            state.generator = probe.generator  // next round draws a fresh sample from the same population
        }
    }
}
