import XCTest
import TensorEngine
import Randomness
import NeuralNet

final class LayerTests: XCTestCase {
    func testConvAndLinearInitialisationBounds() {
        var generator = SeededGenerator(seed: 3)
        let conv = Conv2d(inChannels: 16, outChannels: 32, kernelSize: 3, padding: 1, generator: &generator)
        let bound = 1 / Float(16 * 3 * 3).squareRoot()  // 1/12
        let w = conv.weight.value.data
        XCTAssertTrue(w.allSatisfy { abs($0) <= bound })
        let mean = w.reduce(0, +) / Float(w.count)
        let variance = w.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(w.count)
        XCTAssertEqual(variance, bound * bound / 3, accuracy: 0.05 * bound * bound / 3)
        XCTAssertGreaterThan(w.map(abs).max()!, 0.95 * bound)

        let linear = Linear(inFeatures: 64, outFeatures: 10, generator: &generator)
        XCTAssertTrue(linear.weight.value.data.allSatisfy { abs($0) <= 0.125 })
        XCTAssertTrue(linear.bias.value.data.allSatisfy { abs($0) <= 0.125 })
        XCTAssertNotEqual(linear.bias.value.data, [Float](repeating: 0, count: 10))

        let bn = BatchNorm2d(channels: 4)
        XCTAssertEqual(bn.gamma.value.data, [1, 1, 1, 1])
        XCTAssertEqual(bn.beta.value.data, [0, 0, 0, 0])
        XCTAssertEqual(bn.statistics.runningVariance.data, [1, 1, 1, 1])
    }

    func testStateDictNamesAndRoundTrip() throws {
        var a = SeededGenerator(seed: 1), b = SeededGenerator(seed: 2)
        let source = TinyConvNet(inChannels: 3, width: 4, classes: 2, generator: &a)
        let target = TinyConvNet(inChannels: 3, width: 4, classes: 2, generator: &b)
        XCTAssertEqual(source.stateDict().map(\.name), [
            "conv.weight", "norm.weight", "norm.bias", "norm.running_mean", "norm.running_var",
            "norm.num_batches_tracked", "classifier.weight", "classifier.bias"])
        XCTAssertEqual(source.namedParameters.map(\.name),
                       ["conv.weight", "norm.weight", "norm.bias", "classifier.weight", "classifier.bias"])
        XCTAssertEqual(source.parameterCount, 4 * 3 * 9 + 4 + 4 + 2 * 4 + 2)

        // Change the source's running statistics with a training pass, then copy everything.
        var generator = SeededGenerator(seed: 9)
        let images = Tensor(shape: [2, 3, 4, 4], data: (0..<96).map { _ in generator.uniform(-1, 1) })
        let g = Graph(recording: false)
        _ = source(g.constant(images), in: g, training: true)
        try target.loadStateDict(source.stateDict())
        XCTAssertEqual(target.norm.statistics.batchesTracked, 1)

        func evaluate(_ model: TinyConvNet) -> Tensor {
            let e = Graph(recording: false)
            return e.value(model(e.constant(images), in: e, training: false))
        }
        XCTAssertEqual(evaluate(source), evaluate(target))
    }

    func testLoadStateDictReportsMissingAndMismatchedEntries() {
        var generator = SeededGenerator(seed: 1)
        let model = TinyConvNet(inChannels: 3, width: 4, classes: 2, generator: &generator)
        var state = model.stateDict()
        state.removeAll { $0.name == "norm.running_var" }
        XCTAssertThrowsError(try model.loadStateDict(state)) { error in
            XCTAssertEqual(error as? StateDictError, .missing(names: ["norm.running_var"]))
        }
        var wrongShape = model.stateDict()
        wrongShape[0].value = .float32(.zeros([4, 3, 1, 1]))
        XCTAssertThrowsError(try model.loadStateDict(wrongShape)) { error in
            XCTAssertEqual("\(error)", "state dict entry 'conv.weight' has shape [4, 3, 1, 1], expected [4, 3, 3, 3]")
        }
        var extra = model.stateDict()
        extra.append((name: "head.weight", value: .float32(.zeros([1]))))
        XCTAssertThrowsError(try model.loadStateDict(extra)) { error in
            XCTAssertEqual(error as? StateDictError, .unexpected(names: ["head.weight"]))
        }
    }

    func testTinyNetworkLearnsSyntheticPatternsDeterministically() {
        var options = DemoTraining.Options()
        options.epochs = 6
        options.seed = 42
        options.trainImages = 2048
        options.testImages = 512
        let reports = DemoTraining(options: options).run()
        XCTAssertLessThan(reports.last!.trainLoss, 0.5 * reports.first!.trainLoss)
        XCTAssertGreaterThanOrEqual(reports.last!.testAccuracy, 0.95)

        let again = DemoTraining(options: options).run()
        XCTAssertEqual(again.map(\.trainLoss), reports.map(\.trainLoss))
        XCTAssertEqual(again.map(\.testAccuracy), reports.map(\.testAccuracy))
    }
}
