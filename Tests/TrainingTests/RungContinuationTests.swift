import CellSpace
import Foundation
import Persistence
import XCTest
@testable import RunModel
@testable import Training

/// A candidate paused at a rung and continued later must end exactly where training straight
/// through ends: same weights (bit for bit), same metrics, same MSRS.
final class RungContinuationTests: XCTestCase {
    private func evaluator(epochs: Int = 3) throws -> TrainingEvaluator {
        let data = try TrainingTestData.data(trainSubset: 240)
        return TrainingEvaluator(spec: TrainingTestData.spec, recipe: TrainingRecipe(epochs: epochs, batchSize: 32, learningRate: 0.1),
                                 data: data, redundancy: NetworkRedundancy(batches: 1, batchSize: 64), msrsSelection: data.valid!)
    }

    private func folder(_ label: String) throws -> URL {
        let url = TrainingTestData.temporaryDirectory(label)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func metrics(_ outcome: CandidateOutcome) throws -> CandidateMetrics {
        guard case let .finished(m) = outcome else { throw XCTSkip("not finished: \(outcome)") }
        return m
    }

    /// Every tensor of the candidate's weights file, as raw bytes (bit-for-bit comparison).
    private func tensors(_ folder: URL) throws -> [String: Data] {
        let file = try SafeTensors.read(from: folder.appendingPathComponent("weights.safetensors"))
        return Dictionary(uniqueKeysWithValues: file.entries.map { ($0.name, $0.bytes) })
    }

    func testPausedAtRungsThenPromotedEqualsStraightThrough() throws {
        let e = try evaluator()
        let cell = try Cell(index: 9930)
        let straight = try folder("straight")
        let reference = try metrics(try e.evaluate(CandidateTask(number: 0, cell: cell, seed: 5), in: straight,
                                                   stop: StopSignal(), progress: { _ in }))

        let paused = try folder("rungs")
        var steps: [Int] = []
        let rung0 = try metrics(try e.evaluate(CandidateTask(number: 0, cell: cell, seed: 5, epochs: 1), in: paused,
                                               stop: StopSignal(), progress: { steps.append($0.epoch) }))
        XCTAssertEqual(rung0.epochs, 1)
        XCTAssertNotNil(rung0.msrsNormalized, "MSRS is measured at every rung")
        XCTAssertNotNil(rung0.testAccuracy)
        XCTAssertTrue(FileManager.default.fileExists(atPath: paused.appendingPathComponent("checkpoint/checkpoint.json").path),
                      "a paused candidate keeps its checkpoint")
        let rung1 = try metrics(try e.evaluate(CandidateTask(number: 0, cell: cell, seed: 5, epochs: 2), in: paused,
                                               stop: StopSignal(), progress: { steps.append($0.epoch) }))
        let top = try metrics(try e.evaluate(CandidateTask(number: 0, cell: cell, seed: 5, epochs: 3), in: paused,
                                             stop: StopSignal(), progress: { steps.append($0.epoch) }))
        XCTAssertEqual(Set(steps), [1, 2, 3])
        XCTAssertEqual(steps.count, 3 * (240 / 32 + 1), "each epoch trained once: promotions continue, never restart")
        XCTAssertEqual(rung1.epochs, 2)
        XCTAssertEqual(top.epochs, 3)
        XCTAssertFalse(FileManager.default.fileExists(atPath: paused.appendingPathComponent("checkpoint").path),
                       "the top rung removes the checkpoint, as a full training does")

        let (a, b) = (try tensors(paused), try tensors(straight))
        XCTAssertGreaterThan(a.count, 10)
        XCTAssertEqual(a, b, "weights and BN statistics bit-identical")
        XCTAssertEqual(top.validAccuracy, reference.validAccuracy)
        XCTAssertEqual(top.validLoss, reference.validLoss)
        XCTAssertEqual(top.testAccuracy, reference.testAccuracy)
        XCTAssertEqual(top.trainLoss, reference.trainLoss)
        XCTAssertEqual(top.msrs, reference.msrs)
        XCTAssertEqual(top.msrsNormalized, reference.msrsNormalized)
        // The curve in metrics.json is the straight run's, epoch for epoch (the LR schedule is over 3 epochs).
        let decode = { (url: URL) in try JSONStyle.decoder().decode(TrainingEvaluator.CandidateFile.self,
                                                             from: Data(contentsOf: url.appendingPathComponent("metrics.json"))) }
        XCTAssertEqual(try decode(paused).training.history.map(\.withoutTiming).map(\.learningRate),
                       try decode(straight).training.history.map(\.withoutTiming).map(\.learningRate))
        XCTAssertEqual(try decode(paused).training.history.map(\.validAccuracy),
                       try decode(straight).training.history.map(\.validAccuracy))
    }

    func testARungStopsWithinTheFullProtocolsSchedule() throws {
        // Rung 1 of a 3-epoch protocol is epoch 1 of that protocol (lr 0.1), not a 1-epoch protocol.
        let e = try evaluator()
        let paused = try folder("schedule")
        _ = try metrics(try e.evaluate(CandidateTask(number: 0, cell: try Cell(index: 9930), seed: 5, epochs: 2), in: paused,
                                       stop: StopSignal(), progress: { _ in }))
        let file = try JSONStyle.decoder().decode(TrainingEvaluator.CandidateFile.self,
                                            from: Data(contentsOf: paused.appendingPathComponent("metrics.json")))
        XCTAssertEqual(file.training.history.map(\.learningRate),
                       [0, 1].map { Double(Float(0.05 * (1 + cos(Double.pi * Double($0) / 3)))) })
    }
}
