import XCTest
import CellSpace
import Redundancy
@testable import Training

/// The mapping from the MSRS measurement's adjacent similarities to normal cells, and the plan.
final class PruningPlanTests: XCTestCase {
    // N = 3 per stage: body = cells 0,1,2 | reduction 3 | cells 4,5,6 | reduction 7 | cells 8,9,10.
    private let spec = try! NetworkSpec(channels: 4, cells: 3, classes: 10, inputChannels: 1, inputSize: 28)
    // Reductions (indices 3, 7) get the lowest values: they must never be selected.
    private let adjacent = [0.9, 0.5, 0.95, 0.1, 0.6, 0.99, 0.97, 0.05, 0.4, 0.98, 0.5]

    func testEachCellGetsTheSimilarityBetweenItsInputAndOutputTaps() throws {
        let plan = try CellPruningPlan(spec: spec, adjacent: adjacent, keep: .count(9))
        XCTAssertEqual(plan.kept.map(\.bodyIndex), [0, 1, 2, 4, 5, 6, 8, 9, 10])
        XCTAssertEqual(plan.kept.map(\.ordinal), Array(0..<9))
        XCTAssertEqual(plan.kept.map(\.stage), [0, 0, 0, 1, 1, 1, 2, 2, 2])
        XCTAssertEqual(plan.kept.map(\.similarity), [0.9, 0.5, 0.95, 0.6, 0.99, 0.97, 0.4, 0.98, 0.5])
        XCTAssertEqual(plan.removed, [])
        XCTAssertEqual(plan.pruned, spec)
        XCTAssertEqual(plan.bodyIndexMap, Dictionary(uniqueKeysWithValues: (0..<11).map { ($0, $0) }))
    }

    func testKeepsTheLowestSimilarityCellsAndBuildsPerStageCounts() throws {
        let plan = try CellPruningPlan(spec: spec, adjacent: adjacent, keep: .count(4))
        XCTAssertEqual(plan.kept.map(\.bodyIndex), [1, 4, 8, 10])
        XCTAssertEqual(plan.kept.map(\.ordinal), [1, 3, 6, 8])
        XCTAssertEqual(plan.removed.map(\.bodyIndex), [0, 2, 5, 6, 9])
        XCTAssertEqual(plan.pruned.cellsPerStage, [1, 1, 2])
        XCTAssertEqual(plan.pruned.channels, 4)
        XCTAssertEqual(plan.pruned.inputSize, 28)
        // Surviving blocks 1, 3 (reduction), 4, 7 (reduction), 8, 10 are renumbered 0...5.
        XCTAssertEqual(plan.bodyIndexMap, [1: 0, 3: 1, 4: 2, 7: 3, 8: 4, 10: 5])
        XCTAssertEqual(plan.pruned.bodyBlocks.map(\.kind), [.cell, .reduction, .cell, .reduction, .cell, .cell])
        XCTAssertEqual(plan.prunedName(of: "cells.8.layers.0.op.1.weight"), "cells.4.layers.0.op.1.weight")
        XCTAssertEqual(plan.prunedName(of: "cells.10.layers.5.op.2.running_mean"), "cells.5.layers.5.op.2.running_mean")
        XCTAssertEqual(plan.prunedName(of: "cells.7.conv_a.op.1.weight"), "cells.3.conv_a.op.1.weight")
        XCTAssertNil(plan.prunedName(of: "cells.0.layers.0.op.1.weight"))
        XCTAssertNil(plan.prunedName(of: "cells.9.layers.0.op.1.weight"))
        XCTAssertEqual(plan.prunedName(of: "stem.1.num_batches_tracked"), "stem.1.num_batches_tracked")
        XCTAssertEqual(plan.prunedName(of: "classifier.weight"), "classifier.weight")
    }

    func testTiesGoToTheLowerBodyIndex() throws {
        // Cells 1 and 10 both have 0.5: keeping 2 takes cell 8 (0.4) and cell 1.
        let plan = try CellPruningPlan(spec: spec, adjacent: adjacent, keep: .count(2))
        XCTAssertEqual(plan.kept.map(\.bodyIndex), [1, 8])
        XCTAssertEqual(plan.pruned.cellsPerStage, [1, 0, 1])
    }

    func testRatioRoundsHalfUpAndKeepingNoneEmptiesEveryStage() throws {
        // round(0.5 · 9) = 5 (halves away from zero).
        XCTAssertEqual(try CellPruningPlan(spec: spec, adjacent: adjacent, keep: .ratio(0.5)).kept.map(\.bodyIndex), [0, 1, 4, 8, 10])
        XCTAssertEqual(try CellPruningPlan(spec: spec, adjacent: adjacent, keep: .ratio(0.01)).kept.map(\.bodyIndex), [8])
        let none = try CellPruningPlan(spec: spec, adjacent: adjacent, keep: .count(0))
        XCTAssertEqual(none.pruned.cellsPerStage, [0, 0, 0])
        XCTAssertEqual(none.bodyIndexMap, [3: 0, 7: 1])
    }

    /// The spec's ResNet-56 check (msrs.md §5) through the cell mapping: 27 residual blocks laid out
    /// as 9 cells per stage, arbitrary values at the two reductions (body indices 9 and 19).
    func testReproducesTheResNet56CheckThroughTheCellMapping() throws {
        let resnet: [Double] = [0.8040034, 0.9623917, 0.9816055, 0.9818996, 0.9646843, 0.9950012, 0.96210957, 0.95488405,
                                0.9958612, 0.9714489, 0.99030924, 0.9881511, 0.99465436, 0.99431086, 0.9923767, 0.9919683,
                                0.9893893, 0.9911849, 0.9701058, 0.9823101, 0.9843625, 0.98163974, 0.966809, 0.93328685,
                                0.9032259, 0.8794835, 0.8777317]
        let deep = try NetworkSpec(channels: 2, cells: 9, classes: 10, inputChannels: 3, inputSize: 32)
        var withReductions = resnet
        withReductions.insert(0.0, at: 9)
        withReductions.insert(-1.0, at: 19)
        let plan = try CellPruningPlan(spec: deep, adjacent: withReductions, keep: .count(13))
        XCTAssertEqual(plan.kept.map(\.ordinal), [0, 1, 2, 4, 6, 7, 9, 18, 22, 23, 24, 25, 26])
        XCTAssertEqual(plan.kept.map(\.similarity), [0, 1, 2, 4, 6, 7, 9, 18, 22, 23, 24, 25, 26].map { resnet[$0] })
        XCTAssertEqual(plan.pruned.cellsPerStage, [6, 1, 6])
    }

    func testBadTargetsAndSimilaritiesAreClearErrors() {
        func message(_ target: KeepTarget, _ s: [Double]? = nil) -> String {
            do { _ = try CellPruningPlan(spec: spec, adjacent: s ?? adjacent, keep: target); return "no error" }
            catch { return "\(error)" }
        }
        XCTAssertEqual(message(.count(10)), "cannot keep 10 cells: the network has 9 normal cells, so --keep must be between 0 and 9")
        XCTAssertEqual(message(.count(-1)), "cannot keep -1 cells: the network has 9 normal cells, so --keep must be between 0 and 9")
        XCTAssertTrue(message(.ratio(0)).contains("keep ratio 0.0 is outside (0, 1]"))
        XCTAssertTrue(message(.ratio(1.5)).contains("keep ratio 1.5 is outside (0, 1]"))
        XCTAssertTrue(message(.ratio(.nan)).contains("outside (0, 1]"))
        XCTAssertEqual(message(.count(3), [0.5, 0.5]), "got 2 adjacent similarities, expected 11 (one per body block: L − 1)")
        var nan = adjacent
        nan[5] = .nan
        XCTAssertEqual(message(.count(3), nan), "the similarity of the cell at body index 5 is nan; pruning needs finite similarities")
        // A NaN at a reduction is not a cell's similarity and does not matter.
        nan = adjacent
        nan[3] = .nan
        XCTAssertEqual(message(.count(3), nan), "no error")
    }
}
