import CellSpace
import Datasets
import Foundation
import Redundancy
import XCTest
@testable import Training

/// MSRS of real trained networks (spec msrs.md): redundancy the score must see, and "undefined".
final class NetworkRedundancyTests: XCTestCase {
    /// Real images: on the easy synthetic task every tiny network's layers look alike (CKA ≈ 1),
    /// so redundancy is compared on a Fashion-MNIST subset.
    static let fashion: Dataset? = try? Dataset.load(from: "/usr/share/datasets/fashion-mnist")

    /// 3 epochs on 1,000 images: after 1 epoch (≈ 25 % accuracy) the all-conv score still swings
    /// with rounding (0.34–0.97 over seeds 1–3); after 3 it settles near 0.33–0.38.
    private func trainedMSRS(_ index: Int, cells: Int = 2) throws -> MSRSResult {
        guard let dataset = Self.fashion else { throw XCTSkip("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)") }
        let data = try TrainingData.prepare(dataset, validation: .heldOut(count: 1000, seed: 1),
                                            subsets: .init(train: 1000, valid: 256, test: 256), augmentation: .disabled, seed: 2)
        let spec = try NetworkSpec(channels: 8, cellsPerStage: [cells, cells, cells], classes: 10, inputChannels: 1, inputSize: 28)
        let trainer = try Trainer(cell: try Cell(index: index), spec: spec, recipe: TrainingRecipe(epochs: 3, batchSize: 64),
                                  data: data, seed: 1)
        guard case let .finished(result) = try trainer.run() else { throw XCTSkip("interrupted") }
        XCTAssertNil(result.diverged)
        let selection = data.valid ?? data.test!
        return try NetworkRedundancy(batches: 2, batchSize: 128).measure(
            trainer.network, part: selection.part, indices: selection.indices, normalization: data.normalization)
    }

    func testAllSkipCellsScoreClearlyMoreRedundantThanAllConvolutionCells() throws {
        let skip = try trainedMSRS(1835)   // all skip_connect: a stage's cells are scaled copies of its input
        let conv = try trainedMSRS(1462)   // all nor_conv_3x3
        let (s, c) = (try XCTUnwrap(skip.msrsNormalized), try XCTUnwrap(conv.msrsNormalized))
        XCTAssertEqual(skip.layers, 3 * 2 + 3)
        XCTAssertEqual(skip.batchesUsed, 2)
        print("MSRS normalised: all-skip", s, "all-conv", c)
        XCTAssertGreaterThan(s, c + 0.1, "all-skip \(s) vs all-conv \(c)")
        // Cells of an all-skip stage are exact multiples of each other: CKA 1 between them.
        let adjacent = try XCTUnwrap(skip.adjacent)
        XCTAssertEqual(adjacent[1], 1, accuracy: 1e-6, "cell 0 → cell 1 in stage 1")
    }

    func testAllNoneCellsGiveAnUndefinedScoreNotZero() throws {
        let none = try trainedMSRS(1651, cells: 1)   // all none: every cell outputs zeros → zero self-HSIC
        XCTAssertNil(none.msrs)
        XCTAssertEqual(none.batchesUsed, 0)
        guard case .undefined = none.score else { return XCTFail("expected undefined, got \(none.score)") }
    }
}
