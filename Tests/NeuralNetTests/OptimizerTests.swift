import XCTest
import Foundation
import TensorEngine
import NeuralNet

final class OptimizerTests: XCTestCase {
    /// Two Nesterov steps computed by hand (lr 0.1, μ 0.9, wd 0.01):
    /// step 1: g = 0.5 + 0.01·1 = 0.51; b = g = 0.51; g = 0.51 + 0.9·0.51 = 0.969; θ = 1 − 0.0969 = 0.9031
    /// step 2: g = −0.2 + 0.01·0.9031 = −0.190969; b = 0.9·0.51 − 0.190969 = 0.268031;
    ///         g = −0.190969 + 0.9·0.268031 = 0.0502589; θ = 0.9031 − 0.00502589 = 0.89807411
    func testTwoNesterovStepsWithWeightDecay() {
        let p = Parameter(Tensor(shape: [1], data: [1]))
        let sgd = SGD(parameters: [p], learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01)
        p.grad = Tensor(shape: [1], data: [0.5])
        sgd.step()
        XCTAssertEqual(Double(p.value.data[0]), 0.9031, accuracy: 1e-6)
        XCTAssertEqual(Double(sgd.state.momentumBuffers[0]!.data[0]), 0.51, accuracy: 1e-6)
        p.grad = Tensor(shape: [1], data: [-0.2])
        sgd.step()
        XCTAssertEqual(Double(sgd.state.momentumBuffers[0]!.data[0]), 0.268031, accuracy: 1e-6)
        XCTAssertEqual(Double(p.value.data[0]), 0.89807411, accuracy: 1e-6)
    }

    /// Plain momentum: θ = 1 − 0.1·0.51 = 0.949, then b = 0.9·0.51 + (−0.2 + 0.01·0.949) = 0.26849,
    /// θ = 0.949 − 0.026849 = 0.922151.
    func testPlainMomentumUsesBufferAsDirection() {
        let p = Parameter(Tensor(shape: [1], data: [1]))
        let sgd = SGD(parameters: [p], learningRate: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0.01)
        p.grad = Tensor(shape: [1], data: [0.5]); sgd.step()
        XCTAssertEqual(Double(p.value.data[0]), 0.949, accuracy: 1e-6)
        p.grad = Tensor(shape: [1], data: [-0.2]); sgd.step()
        XCTAssertEqual(Double(p.value.data[0]), 0.922151, accuracy: 1e-6)
    }

    func testRestoredStateContinuesBitExactly() throws {
        func makeOptimizer() -> (Parameter, SGD) {
            let p = Parameter(Tensor(shape: [3], data: [0.3, -1.2, 2]))
            return (p, SGD(parameters: [p], learningRate: 0.05))
        }
        let gradients: [[Float]] = [[0.1, 0.2, -0.3], [-0.5, 0.25, 0.125], [1, -1, 0.5]]
        let (reference, sgd) = makeOptimizer()
        for grad in gradients { reference.grad = Tensor(shape: [3], data: grad); sgd.step() }

        let (resumed, first) = makeOptimizer()
        resumed.grad = Tensor(shape: [3], data: gradients[0]); first.step()
        let saved = try JSONEncoder().encode(first.state)
        let savedValue = resumed.value
        let restoredParameter = Parameter(savedValue)
        let second = SGD(parameters: [restoredParameter], learningRate: 0.05)
        try second.restore(JSONDecoder().decode(SGDState.self, from: saved))
        for grad in gradients.dropFirst() { restoredParameter.grad = Tensor(shape: [3], data: grad); second.step() }
        XCTAssertEqual(restoredParameter.value, reference.value)
    }

    func testRestoreRejectsMismatchedState() {
        let sgd = SGD(parameters: [Parameter(.zeros([2]))], learningRate: 0.1)
        XCTAssertThrowsError(try sgd.restore(SGDState(momentumBuffers: [nil, nil])))
        XCTAssertThrowsError(try sgd.restore(SGDState(momentumBuffers: [.zeros([3])]))) { error in
            XCTAssertEqual("\(error)", "optimizer momentum buffer 0 has shape [3], parameter has shape [2]")
        }
    }

    func testCosineSchedule() {
        let schedule = CosineSchedule(baseLearningRate: 0.1, totalEpochs: 12)
        XCTAssertEqual(schedule.learningRate(epoch: 0), 0.1)
        XCTAssertEqual(schedule.learningRate(epoch: 6), 0.05, accuracy: 1e-8)
        XCTAssertEqual(Double(schedule.learningRate(epoch: 11)), 0.05 * (1 + cos(11 * Double.pi / 12)), accuracy: 1e-9)
    }
}
