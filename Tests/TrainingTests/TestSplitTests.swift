import XCTest
import CellSpace
import Datasets
import Foundation
import Persistence
@testable import RunModel
@testable import Training

/// A search never uses the test split: its candidates evaluate it once, after the last epoch,
/// and the figures recorded are the ones an every-epoch evaluation would have given at the end.
final class TestSplitTests: XCTestCase {
    private func trainer(_ testEvaluation: Trainer.TestEvaluation, checkpoint: URL? = nil) throws -> Trainer {
        let t = try Trainer(cell: try Cell(index: 9930), spec: TrainingTestData.spec,
                            recipe: TrainingRecipe(epochs: 2, batchSize: 32, learningRate: 0.1),
                            data: try TrainingTestData.data(trainSubset: 200), seed: 4, checkpointDirectory: checkpoint)
        t.testEvaluation = testEvaluation
        return t
    }

    func testAtEndEvaluatesTheTestSplitOnceWithTheSameFinalFigures() throws {
        let every = try trainer(.everyEpoch), once = try trainer(.atEnd)
        guard case let .finished(a) = try every.run(), case let .finished(b) = try once.run() else { return XCTFail("not finished") }
        XCTAssertNotNil(a.history[0].testAccuracy)
        XCTAssertNil(b.history[0].testAccuracy, "no test evaluation after epoch 1")
        XCTAssertNil(b.history[0].testLoss)
        XCTAssertEqual(b.final?.testAccuracy, a.final?.testAccuracy)
        XCTAssertEqual(b.final?.testLoss, a.final?.testLoss)
        XCTAssertEqual(b.history.map(\.validAccuracy), a.history.map(\.validAccuracy))
        XCTAssertEqual(once.network.stateDict().map(\.value), every.network.stateDict().map(\.value))
    }

    func testTheSearchEvaluatorRecordsTestOnlyForTheLastEpoch() throws {
        let data = try TrainingTestData.data(trainSubset: 200)
        let evaluator = TrainingEvaluator(spec: TrainingTestData.spec,
                                          recipe: TrainingRecipe(epochs: 2, batchSize: 32, learningRate: 0.1),
                                          data: data, redundancy: NetworkRedundancy(batches: 1, batchSize: 64),
                                          msrsSelection: data.valid!)
        let folder = TrainingTestData.temporaryDirectory("test-once")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let task = CandidateTask(number: 0, cell: try Cell(index: 9930), seed: 4)
        guard case let .finished(metrics) = try evaluator.evaluate(task, in: folder, stop: StopSignal(), progress: { _ in })
        else { return XCTFail("not finished") }
        let file = try JSONStyle.decoder().decode(TrainingEvaluator.CandidateFile.self,
                                            from: Data(contentsOf: folder.appendingPathComponent("metrics.json")))
        XCTAssertEqual(file.training.history.map { $0.testAccuracy == nil }, [true, false])
        let reference = try trainer(.everyEpoch)
        guard case let .finished(r) = try reference.run() else { return XCTFail("not finished") }
        XCTAssertEqual(metrics.testAccuracy, r.final?.testAccuracy)
        let log = try String(contentsOf: folder.appendingPathComponent("train.log"), encoding: .utf8)
        let lines = log.split(separator: "\n")
        XCTAssertEqual(lines.filter { $0.hasPrefix("epoch ") }.count, 2)
        // The machine line (CPU, OpenBLAS core, kernels), then the epochs.
        XCTAssertTrue(lines[0].hasPrefix("CPU ") && lines[0].contains("OpenBLAS core"), log)
        XCTAssertTrue(lines[1].hasPrefix("epoch 1 "), log)
        XCTAssertFalse(lines.filter { $0.hasPrefix("epoch ") }.contains { $0.contains("test") }, log)
        XCTAssertTrue(lines.last!.hasPrefix("test acc "), log)
    }
}
