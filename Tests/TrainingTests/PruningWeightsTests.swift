import Persistence
import XCTest
import CellSpace
import Networks
import NeuralNet
import Randomness
import TensorEngine
@testable import Training

/// Applying a plan to a trained network: surviving state copied bit for bit, pruned networks that
/// build, export, load and evaluate; and the Trainer's initial weights.
final class PruningWeightsTests: XCTestCase {
    // Body: cells 0,1 | reduction 2 | cell 3 | reduction 4 | cells 5,6 (7 blocks, 5 normal cells).
    private static let spec = try! NetworkSpec(channels: 4, cellsPerStage: [2, 1, 2], classes: 4, inputChannels: 3, inputSize: 32)

    /// Trained one short epoch, so weights, BN running statistics and counters all differ from init.
    /// XCTest runs the tests one after another on one thread, so the instance is never used concurrently.
    nonisolated(unsafe) private static let trained: NATSNetwork = {
        let t = try! Trainer(cell: try! Cell(index: 9930), spec: spec, recipe: TrainingRecipe(epochs: 1, batchSize: 32),
                             data: try! TrainingTestData.data(trainSubset: 96), seed: 4)
        _ = try! t.run()
        return t.network
    }()

    private func logits(_ network: NATSNetwork) throws -> [Tensor] {
        let data = try TrainingTestData.data()
        var out: [Tensor] = []
        try NetworkEvaluation.forEachBatch(of: network, on: data.test!, normalization: data.normalization, batchSize: 50) {
            out.append($0.logits)
        }
        return out
    }

    func testKeptStateIsCopiedBitIdenticalUnderRenamedTensors() throws {
        let network = Self.trained
        // Lowest similarities: cell 5 (0.2), cell 0 (0.3), cell 3 (0.4) → stage counts [1, 1, 1].
        let plan = try CellPruningPlan(spec: Self.spec, adjacent: [0.3, 0.9, 0.0, 0.4, 0.0, 0.2, 0.8], keep: .count(3))
        XCTAssertEqual(plan.pruned.cellsPerStage, [1, 1, 1])
        let pruned = try plan.apply(to: network)
        let prunedState = Dictionary(uniqueKeysWithValues: pruned.stateDict().map { ($0.name, $0.value) })
        var copied = 0
        for (name, value) in network.stateDict() {
            guard let newName = plan.prunedName(of: name) else {
                XCTAssertTrue(name.hasPrefix("cells.1.") || name.hasPrefix("cells.6."), name)
                continue
            }
            XCTAssertEqual(prunedState[newName], value, "\(name) → \(newName)")
            copied += 1
        }
        XCTAssertEqual(copied, prunedState.count, "every tensor of the pruned network comes from the original")
        XCTAssertEqual(plan.bodyIndexMap, [0: 0, 2: 1, 3: 2, 4: 3, 5: 4])
        XCTAssertEqual(prunedState["cells.4.layers.0.op.1.weight"], network.stateDict().first { $0.name == "cells.5.layers.0.op.1.weight" }?.value)
        XCTAssertEqual(prunedState["stem.1.num_batches_tracked"], .int64(3))
        XCTAssertEqual(pruned.parameterCount, plan.pruned.parameterCount(for: network.cell))
        XCTAssertLessThan(pruned.parameterCount, network.parameterCount)
        // The copy is independent: the original is untouched.
        XCTAssertEqual(try logits(network), try logits(Self.trained))
    }

    func testKeepingEveryCellReproducesTheEvalLogitsExactly() throws {
        let plan = try CellPruningPlan(spec: Self.spec, adjacent: [0.3, 0.9, 0.0, 0.4, 0.0, 0.2, 0.8], keep: .ratio(1))
        let copy = try plan.apply(to: Self.trained)
        XCTAssertEqual(copy.spec, Self.spec)
        let (a, b) = (try logits(Self.trained), try logits(copy))
        XCTAssertEqual(a.count, 4)
        XCTAssertEqual(a, b)
    }

    func testRemovingAWholeStageBuildsExportsLoadsAndEvaluates() throws {
        // Keep cells 0, 1 (stage 1) and 6 (stage 3): the middle stage is empty → [2, 0, 1].
        let plan = try CellPruningPlan(spec: Self.spec, adjacent: [0.1, 0.2, 0.0, 0.9, 0.0, 0.8, 0.3], keep: .count(3))
        XCTAssertEqual(plan.pruned.cellsPerStage, [2, 0, 1])
        XCTAssertEqual(plan.bodyIndexMap, [0: 0, 1: 1, 2: 2, 4: 3, 6: 4])
        let pruned = try plan.apply(to: Self.trained)
        XCTAssertEqual(pruned.tapCount, 6)
        let url = TrainingTestData.temporaryDirectory("prune-stage").appendingPathComponent("weights.safetensors")
        try NetworkWeights.export(pruned, to: url)
        XCTAssertEqual(try SafeTensors.read(from: url).metadata["cells_per_stage"], "2,0,1")
        let loaded = try NetworkWeights.loadNetwork(from: url)
        XCTAssertEqual(loaded.spec.cellsPerStage, [2, 0, 1])
        XCTAssertEqual(loaded.stateDict().map(\.name), pruned.stateDict().map(\.name))
        XCTAssertEqual(loaded.stateDict().map(\.value), pruned.stateDict().map(\.value))
        let (a, b) = (try logits(pruned), try logits(loaded))
        XCTAssertEqual(a, b)
        XCTAssertTrue(a.allSatisfy { $0.data.allSatisfy(\.isFinite) })
        // The pruned network's reductions are the original ones (body 4 → 3).
        XCTAssertEqual(loaded.stateDict().first { $0.name == "cells.3.conv_a.op.1.weight" }?.value,
                       Self.trained.stateDict().first { $0.name == "cells.4.conv_a.op.1.weight" }?.value)
    }

    func testTrainerStartsFromInitialWeightsAndIdenticalWeightsGiveIdenticalTraining() throws {
        let recipe = TrainingRecipe(epochs: 1, batchSize: 32)
        let data = try TrainingTestData.data(trainSubset: 64)
        let cell = try Cell(index: 9930)
        let plain = try Trainer(cell: cell, spec: Self.spec, recipe: recipe, data: data, seed: 8)
        // Loading the very weights seed 8 initialises changes nothing: bit-identical training.
        let sameInit = try Trainer(cell: cell, spec: Self.spec, recipe: recipe, data: data, seed: 8)
        let same = try Trainer(cell: cell, spec: Self.spec, recipe: recipe, data: data, seed: 8, initialWeights: sameInit.network)
        // Seed 9's initialisation trained with seed 8's data order: starts from seed 9's weights and moves.
        let otherInit = try Trainer(cell: cell, spec: Self.spec, recipe: recipe, data: data, seed: 9).network
        let other = try Trainer(cell: cell, spec: Self.spec, recipe: recipe, data: data, seed: 8, initialWeights: otherInit)
        XCTAssertEqual(other.network.stateDict().map(\.value), otherInit.stateDict().map(\.value))
        XCTAssertNotEqual(other.network.stateDict().map(\.value), plain.network.stateDict().map(\.value))
        _ = try plain.run()
        _ = try same.run()
        _ = try other.run()
        XCTAssertEqual(same.network.stateDict().map(\.value), plain.network.stateDict().map(\.value))
        XCTAssertNotEqual(other.network.stateDict().map(\.value), otherInit.stateDict().map(\.value), "the loaded weights are trained")
        XCTAssertNotEqual(other.network.stateDict().map(\.value), plain.network.stateDict().map(\.value))

        // Trained weights (with BN statistics and counters) are taken over as they are.
        let fromTrained = try Trainer(cell: cell, spec: Self.spec, recipe: recipe, data: data, seed: 8, initialWeights: Self.trained)
        XCTAssertEqual(fromTrained.network.stateDict().map(\.value), Self.trained.stateDict().map(\.value))
        XCTAssertFalse(fromTrained.network === Self.trained)

        var generator = SeededGenerator(seed: 1)
        let mismatched = NATSNetwork(cell: cell, spec: TrainingTestData.spec, generator: &generator)
        XCTAssertThrowsError(try Trainer(cell: cell, spec: Self.spec, recipe: recipe, data: data, seed: 8, initialWeights: mismatched)) { error in
            XCTAssertTrue("\(error)".contains("[1, 1, 1]"), "\(error)")
        }
    }
}
