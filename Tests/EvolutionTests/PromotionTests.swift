import Evolution
import XCTest

/// The asynchronous promotion rule on hand-made rung tables, one per fitness kind; every expected
/// promotion is worked out by hand in the comments from the rule's definition.
final class PromotionTests: XCTestCase {
    /// Rungs 1, 3, 9 epochs (η = 3).
    private let ladder = FidelityLadder(kind: .successiveHalving, minEpochs: 1, eta: 3, maxEpochs: 9)

    private func r(_ accuracy: Double, _ msrs: Double?) -> EvaluationResult {
        EvaluationResult(validAccuracy: accuracy, normalizedMSRS: msrs)
    }

    /// Six candidates at the lowest rung: (accuracy, MSRS) A(80, .9) B(75, .1) C(78, .5) D(60, 0)
    /// E(70, .2) F(72, .3). Six entries, η = 3: the top ⌊6/3⌋ = 2 are promotable.
    private var sixAtRungZero: [RungStanding] {
        [r(80, 0.9), r(75, 0.1), r(78, 0.5), r(60, 0), r(70, 0.2), r(72, 0.3)].map { RungStanding(bracket: 0, results: [$0]) }
    }

    private func next(_ fitness: Fitness, _ standings: [RungStanding]) -> FidelityStep {
        AsynchronousPromotion(ladder: ladder, fitness: fitness).next(standings)
    }

    /// `standings` with candidate `i` promoted to rung 1 (its rung-1 result given).
    private func promoting(_ i: Int, _ result: EvaluationResult, in standings: [RungStanding]) -> [RungStanding] {
        var s = standings
        s[i].results.append(result)
        return s
    }

    func testLadderRungsAndBrackets() {
        XCTAssertEqual(ladder.rungs, [1, 3, 9])
        XCTAssertEqual(FidelityLadder(minEpochs: 2, eta: 3, maxEpochs: 12).rungs, [2, 6, 12], "18 > 12: the top is 12")
        XCTAssertEqual(FidelityLadder(minEpochs: 1, eta: 2, maxEpochs: 8).rungs, [1, 2, 4, 8])
        XCTAssertEqual(FidelityLadder(minEpochs: 5, eta: 3, maxEpochs: 5).rungs, [5])
        XCTAssertEqual(ladder.bracketCount, 1)
        let hyperband = FidelityLadder(kind: .hyperband, minEpochs: 1, eta: 3, maxEpochs: 9)
        XCTAssertEqual(hyperband.bracketCount, 3)
        XCTAssertEqual(hyperband.rungs(bracket: 1), [3, 9])
        XCTAssertEqual(hyperband.rungs(bracket: 2), [9])
    }

    func testTooFewEntriesStartANewCandidate() {
        // Two entries: ⌊2/3⌋ = 0 promotable.
        XCTAssertEqual(next(.accuracy, Array(sixAtRungZero.prefix(2))), .start(bracket: 0, epochs: 1))
        XCTAssertEqual(next(.accuracy, []), .start(bracket: 0, epochs: 1))
    }

    func testAccuracyIsPlainASHA() {
        // By accuracy: A 80, C 78 are the top two → A first; with A promoted, C.
        XCTAssertEqual(next(.accuracy, sixAtRungZero), .promote(candidate: 0, rung: 1, epochs: 3))
        let afterA = promoting(0, r(85, 0.9), in: sixAtRungZero)
        XCTAssertEqual(next(.accuracy, afterA), .promote(candidate: 2, rung: 1, epochs: 3))
        // A and C promoted: rung 1 holds 2 (quota 0), rung 0's top two are done → a new candidate.
        XCTAssertEqual(next(.accuracy, promoting(2, r(80, 0.5), in: afterA)), .start(bracket: 0, epochs: 1))
    }

    func testPenaltyPromotesByPenalisedScore() {
        // λ = 10: A 71, B 74, C 73, D 60, E 68, F 69 → top two B, C; B first (A, the most accurate, is not).
        let penalty = Fitness(kind: .penalty, lambda: 10)
        XCTAssertEqual(next(penalty, sixAtRungZero), .promote(candidate: 1, rung: 1, epochs: 3))
        XCTAssertEqual(next(penalty, promoting(1, r(76, 0.1), in: sixAtRungZero)), .promote(candidate: 2, rung: 1, epochs: 3))
    }

    func testConstraintPromotesFeasibleCandidatesFirst() {
        // Bound 0.4: feasible B(75) F(72) E(70) D(60); A and C exceed it. Top two: B, F.
        let constraint = Fitness(kind: .constraint, bound: 0.4)
        XCTAssertEqual(next(constraint, sixAtRungZero), .promote(candidate: 1, rung: 1, epochs: 3))
        XCTAssertEqual(next(constraint, promoting(1, r(76, 0.1), in: sixAtRungZero)), .promote(candidate: 5, rung: 1, epochs: 3))
    }

    func testLexicographicPromotesTheLeastRedundantOfTheNearBest() {
        // ε = 3: within 3 points of 80 are A(80, .9) and C(78, .5); lower MSRS first → C, then A.
        let lexicographic = Fitness(kind: .lexicographic, epsilon: 3)
        XCTAssertEqual(next(lexicographic, sixAtRungZero), .promote(candidate: 2, rung: 1, epochs: 3))
        XCTAssertEqual(next(lexicographic, promoting(2, r(79, 0.5), in: sixAtRungZero)), .promote(candidate: 0, rung: 1, epochs: 3))
    }

    func testParetoPromotesByFrontThenCrowding() {
        // Front 1: A(80,.9) B(75,.1) C(78,.5) D(60,0) (E and F are dominated by B). Crowding in it:
        // A and D are the extremes of both objectives (∞); B = (78−60)/20 + (.5−0)/.9 = 1.456,
        // C = (80−75)/20 + (.9−.1)/.9 = 1.139. Ranking A, D (∞, in order), B, C → top two A and D:
        // the least redundant network D is promoted although it is the least accurate.
        let pareto = Fitness(kind: .pareto)
        XCTAssertEqual(next(pareto, sixAtRungZero), .promote(candidate: 0, rung: 1, epochs: 3))
        XCTAssertEqual(next(pareto, promoting(0, r(84, 0.9), in: sixAtRungZero)), .promote(candidate: 3, rung: 1, epochs: 3))
        XCTAssertEqual(AsynchronousPromotion(ladder: ladder, fitness: pareto).promotable(in: sixAtRungZero, bracket: 0, rung: 0),
                       [0, 3])
    }

    func testHigherRungsAreServedFirstAndRankedByTheirOwnResults() {
        // Nine at rung 0 (accuracy 50…58), the top three (#8, #7, #6) promoted; at rung 1 their order
        // is reversed: #6 91, #7 90, #8 89. Rung 1 holds 3 → ⌊3/3⌋ = 1: #6 goes to rung 2 (9 epochs)
        // before anything else, by its rung-1 result although #8 led rung 0.
        var standings = (0..<9).map { RungStanding(bracket: 0, results: [r(50 + Double($0), 0.5)]) }
        standings[6].results.append(r(91, 0.5))
        standings[7].results.append(r(90, 0.5))
        standings[8].results.append(r(89, 0.5))
        XCTAssertEqual(next(.accuracy, standings), .promote(candidate: 6, rung: 2, epochs: 9))
        standings[6].results.append(r(93, 0.5))
        XCTAssertEqual(next(.accuracy, standings), .start(bracket: 0, epochs: 1), "rung 2 is the top: nothing promotes from it")
    }

    func testParallelWorkersSkipBusyCandidates() {
        // Accuracy: A (#0) and C (#2) are the top two. A worker already continuing A gets C; with both
        // busy a new candidate starts, in the bracket after the starts still in flight.
        let rule = AsynchronousPromotion(ladder: FidelityLadder(kind: .hyperband, minEpochs: 1, eta: 3, maxEpochs: 9),
                                         fitness: .accuracy)
        XCTAssertEqual(rule.next(sixAtRungZero, busy: [0]), .promote(candidate: 2, rung: 1, epochs: 3))
        XCTAssertEqual(rule.next(sixAtRungZero, busy: [0, 2]), .start(bracket: 0, epochs: 1), "6 candidates: bracket 6 mod 3")
        XCTAssertEqual(rule.next(sixAtRungZero, busy: [0, 2], startsInFlight: 1), .start(bracket: 1, epochs: 3))
    }

    func testDivergedCandidatesAreNeverPromoted() {
        let standings = (0..<3).map { _ in RungStanding(bracket: 0, results: [.diverged()]) }
        XCTAssertEqual(next(.accuracy, standings), .start(bracket: 0, epochs: 1))
    }

    func testHyperbandDealsNewCandidatesToTheBracketsInTurn() {
        let hyperband = AsynchronousPromotion(ladder: FidelityLadder(kind: .hyperband, minEpochs: 1, eta: 3, maxEpochs: 9),
                                              fitness: .accuracy)
        var standings: [RungStanding] = []
        var starts: [FidelityStep] = []
        for i in 0..<4 {
            starts.append(hyperband.next(standings))
            standings.append(RungStanding(bracket: i % 3, results: [r(50, 0.5)]))
        }
        XCTAssertEqual(starts, [.start(bracket: 0, epochs: 1), .start(bracket: 1, epochs: 3), .start(bracket: 2, epochs: 9),
                                .start(bracket: 0, epochs: 1)])
        // Three in bracket 1 (rungs 3, 9): its best goes to 9 epochs; bracket 0's entries do not count there.
        let inBracketOne = [70.0, 75, 72].map { RungStanding(bracket: 1, results: [r($0, 0.5)]) }
        let mixed = [RungStanding(bracket: 0, results: [r(99, 0.5)])] + inBracketOne
        XCTAssertEqual(hyperband.next(mixed), .promote(candidate: 2, rung: 1, epochs: 9))
    }

    func testFidelityRuleComparesOnlyWithinAFidelity() {
        // A(70 @3) B(90 @1) C(60 @3) D(diverged @9): fidelity 3 first (A, C by accuracy), then B; D last.
        let results = [r(70, 0.5), r(90, 0.5), r(60, 0.5), EvaluationResult.diverged()]
        let fidelities = [3, 1, 3, 9]
        XCTAssertEqual(Fitness.accuracy.ranking(results, fidelities: fidelities), [0, 2, 1, 3])
        XCTAssertEqual(Fitness.accuracy.answerIndex(results, fidelities: fidelities), 0)
        // Relative kinds see only their fidelity's group: under lexicographic (ε = 5) the best of
        // fidelity 3 is A's 70, and C's 66 is within 5 of it — B's 90 (fidelity 1) does not count.
        let lexicographic = Fitness(kind: .lexicographic, epsilon: 5)
        let lex = [r(70, 0.5), r(90, 0.0), r(66, 0.1)]
        XCTAssertEqual(lexicographic.ranking(lex, fidelities: [3, 1, 3]), [2, 0, 1], "66 is within 5 of 70: lower MSRS wins")
        // One fidelity for all: exactly the plain ranking and answer.
        XCTAssertEqual(Fitness.accuracy.ranking(results, fidelities: [0, 0, 0, 0]), Fitness.accuracy.ranking(results))
    }

    func testREATournamentPrefersTheHigherFidelity() {
        // Population of two: #0 at 9 epochs (70 %), #1 at 1 epoch (95 %): a tournament that drew #0
        // picks #0 (higher fidelity) although #1 is more accurate.
        let rea = EvolutionarySearch(space: ClosureGenomeSpace<Int>(random: { $0.int(below: 1000) }, mutate: { g, _ in g + 1 }),
                                     algorithm: .regularizedEvolution(populationSize: 2, sampleSize: 2))
        var state = SearchState<Int>(seed: 3)
        _ = rea.propose(&state)
        rea.record(r(60, 0.5), seconds: 1, epochs: 1, bracket: 0, into: &state)
        _ = rea.propose(&state)
        rea.record(r(95, 0.5), seconds: 1, epochs: 1, bracket: 0, into: &state)
        rea.promote(0, to: r(70, 0.5), epochs: 9, addedEpochs: 8, seconds: 2, into: &state)
        XCTAssertEqual(state.epochsUsed, 10)
        XCTAssertEqual(state.secondsUsed, 4)
        XCTAssertEqual(state.history[0].rungResults?.map(\.validAccuracy), [60, 70])
        var drewZero = 0
        for _ in 0..<12 {
            let proposal = rea.propose(&state)
            if proposal.tournament.contains(0) {
                drewZero += 1
                XCTAssertEqual(proposal.parent, 0, "tournament \(proposal.tournament)")
            } else {
                XCTAssertEqual(proposal.parent, 1)
            }
            rea.record(r(10, 0.5), seconds: 1, epochs: 1, bracket: 0, into: &state)
            state.population = [0, 1]
        }
        XCTAssertGreaterThan(drewZero, 0)
        XCTAssertEqual(rea.answer(in: state), 0, "the answer comes from the highest fidelity reached")
    }
}
