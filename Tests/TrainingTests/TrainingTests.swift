import XCTest
import CellSpace
import Datasets
import NeuralNet
@testable import RunModel
@testable import Training

final class TrainingTests: XCTestCase {
    private func trainer(_ index: Int = 9930, epochs: Int = 3, learningRate: Double = 0.1, seed: UInt64 = 1,
                         checkpoint: URL? = nil, trainSubset: Int? = nil) throws -> Trainer {
        try Trainer(cell: try Cell(index: index), spec: TrainingTestData.spec,
                    recipe: TrainingRecipe(epochs: epochs, batchSize: 32, learningRate: learningRate),
                    data: try TrainingTestData.data(trainSubset: trainSubset), seed: seed, checkpointDirectory: checkpoint)
    }

    private func finished(_ outcome: TrainingOutcome, file: StaticString = #filePath, line: UInt = #line) throws -> TrainingResult {
        guard case .finished(let result) = outcome else {
            XCTFail("expected a finished run, got \(outcome)", file: file, line: line)
            throw XCTSkip("not finished")
        }
        return result
    }

    func testShortTrainingLearnsTheSyntheticTask() throws {
        let t = try trainer(epochs: 3)
        var steps = 0, epochs: [Int] = []
        let result = try finished(try t.run(progress: { p in
            steps += 1
            XCTAssertEqual(p.steps, 19)  // ⌈600 / 32⌉
            XCTAssertTrue(p.loss!.isFinite)
            if epochs.last != p.epoch { epochs.append(p.epoch) }
            XCTAssertEqual(p.fraction, (Double(p.epoch - 1) + Double(p.step) / 19) / 3, accuracy: 1e-12)
        }))
        XCTAssertEqual(steps, 3 * 19)
        XCTAssertEqual(epochs, [1, 2, 3], "progress counts epochs from 1, as the logs do")
        XCTAssertNil(result.diverged)
        XCTAssertEqual(result.history.map(\.epoch), [1, 2, 3])
        XCTAssertEqual(result.history.map(\.learningRate), [0, 1, 2].map { Double(Float(0.05 * (1 + cos(Double.pi * Double($0) / 3)))) })
        let last = try XCTUnwrap(result.final)
        XCTAssertGreaterThanOrEqual(last.testAccuracy!, 90, "\(result.history)")
        XCTAssertGreaterThanOrEqual(last.validAccuracy!, 90)
        XCTAssertLessThan(last.trainLoss, result.history[0].trainLoss)
        let metrics = result.candidateMetrics(params: t.network.parameterCount, flops: 1)
        XCTAssertEqual(metrics.validAccuracy, last.validAccuracy)
        XCTAssertEqual(metrics.params, TrainingTestData.spec.parameterCount(for: try Cell(index: 9930)))
    }

    func testSameSeedSameResultAndEvaluationMatchesTheLastEpoch() throws {
        let a = try trainer(epochs: 1, trainSubset: 200), b = try trainer(epochs: 1, trainSubset: 200)
        let ra = try finished(try a.run()), rb = try finished(try b.run())
        XCTAssertEqual(ra.history.map(\.withoutTiming), rb.history.map(\.withoutTiming))
        XCTAssertEqual(a.network.stateDict().map(\.value), b.network.stateDict().map(\.value))
        let data = try TrainingTestData.data()
        let test = try NetworkEvaluation.evaluate(a.network, on: data.test!, normalization: data.normalization, batchSize: 64)
        XCTAssertEqual(test.accuracy, ra.final!.testAccuracy)
        XCTAssertEqual(test.count, 200)
    }

    /// Interrupt mid-epoch 2 via the stop signal; a fresh trainer resumes from the epoch-1
    /// checkpoint and must end bit-identical (weights, BN statistics, metrics) to one straight run.
    func testResumeAfterInterruptEqualsAnUninterruptedRun() throws {
        let straight = try trainer(epochs: 3, trainSubset: 300)
        let reference = try finished(try straight.run())

        let directory = TrainingTestData.temporaryDirectory("resume")
        let first = try trainer(epochs: 3, checkpoint: directory, trainSubset: 300)
        let stop = StopSignal()
        var steps = 0
        var epochsReported: [Int] = []
        let outcome = try first.run(stop: stop, progress: { _ in
            steps += 1
            if steps == first.stepsPerEpoch + 4 { stop.request("test") }
        }, onEpoch: { epochsReported.append($0.epoch) })
        XCTAssertEqual(epochsReported, [1])
        XCTAssertEqual(outcome, .interrupted(epochsCompleted: 1))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        XCTAssertEqual(files, ["checkpoint-epoch-0001.safetensors", "checkpoint.json"])

        let second = try trainer(epochs: 3, checkpoint: directory, trainSubset: 300)
        var resumedSteps = 0
        let resumed = try finished(try second.run(progress: { _ in resumedSteps += 1 }))
        XCTAssertEqual(resumedSteps, 2 * second.stepsPerEpoch, "resume starts at epoch 2")
        XCTAssertEqual(resumed.history.map(\.withoutTiming), reference.history.map(\.withoutTiming))
        XCTAssertEqual(second.network.stateDict().map(\.value), straight.network.stateDict().map(\.value))
        XCTAssertEqual(second.optimizer.state, straight.optimizer.state)

        // A third trainer on the finished checkpoint trains nothing and reports the same result.
        let third = try trainer(epochs: 3, checkpoint: directory, trainSubset: 300)
        var extraSteps = 0
        XCTAssertEqual(try finished(try third.run(progress: { _ in extraSteps += 1 })).history.map(\.withoutTiming),
                       reference.history.map(\.withoutTiming))
        XCTAssertEqual(extraSteps, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(),
                       ["checkpoint-epoch-0003.safetensors", "checkpoint.json"])
    }

    func testACheckpointOfAnotherRunIsRefused() throws {
        let directory = TrainingTestData.temporaryDirectory("mismatch")
        _ = try trainer(epochs: 1, seed: 1, checkpoint: directory, trainSubset: 100).run()
        let other = try trainer(epochs: 1, seed: 2, checkpoint: directory, trainSubset: 100)
        XCTAssertThrowsError(try other.run()) { error in
            XCTAssertTrue("\(error)".contains("checkpoint.json"), "\(error)")
            XCTAssertTrue("\(error)".contains("different training run"), "\(error)")
        }
    }

    func testHugeLearningRateIsReportedAsDiverged() throws {
        let t = try trainer(epochs: 2, learningRate: 1e6, trainSubset: 200)
        let result = try finished(try t.run())
        let message = try XCTUnwrap(result.diverged)
        XCTAssertNotNil(message.range(of: #"^diverged at epoch 1, step \d+"#, options: .regularExpression), message)
        XCTAssertNil(result.final)
        let metrics = result.candidateMetrics(params: 1, flops: 1)
        XCTAssertEqual(metrics.diverged, message)
        XCTAssertEqual(metrics.validAccuracy, 0)
    }

    func testMismatchedDataIsAClearError() throws {
        let spec = try NetworkSpec(channels: 4, cellsPerStage: [1, 1, 1], classes: 4, inputChannels: 1, inputSize: 28)
        XCTAssertThrowsError(try Trainer(cell: try Cell(index: 1), spec: spec, recipe: TrainingRecipe(epochs: 1),
                                         data: try TrainingTestData.data(), seed: 0)) { error in
            XCTAssertEqual("\(error)", "the data does not fit the network: images are [3,32,32] but the network expects [1,28,28]")
        }
        XCTAssertThrowsError(try TrainingRecipe(epochs: 0).validate()) { error in
            XCTAssertEqual("\(error)", "invalid training settings: epochs 0 must be at least 1")
        }
    }

    /// The MSRS building block: taps of the first k unshuffled batches, in spec order and shape.
    func testActivationTapsOfTheFirstBatches() throws {
        let t = try trainer(epochs: 1)
        let data = try TrainingTestData.data()
        var seen: [Int] = []
        try NetworkEvaluation.forEachBatch(of: t.network, on: data.test!, normalization: data.normalization,
                                           batchSize: 64, limit: 2, recordingTaps: true) { pass in
            seen.append(pass.index)
            XCTAssertEqual(pass.batch.indices, Array((pass.index * 64)..<((pass.index + 1) * 64)))
            XCTAssertEqual(pass.taps.map(\.shape), TrainingTestData.spec.activationTaps.map { [64, $0.channels, $0.height, $0.width] })
        }
        XCTAssertEqual(seen, [0, 1])
    }
}
