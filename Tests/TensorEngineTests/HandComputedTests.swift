// Ops checked against values computed by hand (in Double) in the test.
import XCTest
import TensorEngine

final class HandComputedTests: XCTestCase {
    func testBatchNormTrainingStepThenEvaluationStep() {
        // One channel, values 1, 2, 3, 6: mean 3, biased variance 3.5, unbiased 14/3.
        let x = Tensor(shape: [2, 1, 1, 2], data: [1, 2, 3, 6])
        let gamma = Parameter(Tensor(shape: [1], data: [2])), beta = Parameter(Tensor(shape: [1], data: [0.5]))
        let statistics = BatchNormStatistics(channels: 1)
        let g = Graph(recording: true)
        let y = g.batchNorm2d(g.constant(x), gamma: g.parameter(gamma), beta: g.parameter(beta),
                              statistics: statistics, training: true)
        let expected = [1.0, 2, 3, 6].map { 2 * ($0 - 3) / (3.5 + 1e-5).squareRoot() + 0.5 }
        for (a, e) in zip(g.value(y).data, expected) { XCTAssertEqual(Double(a), e, accuracy: 1e-5) }
        XCTAssertEqual(statistics.runningMean.data[0], 0.3, accuracy: 1e-6)
        XCTAssertEqual(Double(statistics.runningVariance.data[0]), 0.9 + 0.1 * 14.0 / 3.0, accuracy: 1e-6)
        XCTAssertEqual(statistics.batchesTracked, 1)

        // Evaluation uses the running statistics and leaves them unchanged.
        let e = Graph(recording: false)
        let z = e.batchNorm2d(e.constant(x), gamma: e.parameter(gamma), beta: e.parameter(beta),
                              statistics: statistics, training: false)
        let runningVariance = 0.9 + 0.1 * 14.0 / 3.0
        let expectedEval = [1.0, 2, 3, 6].map { 2 * ($0 - 0.3) / (runningVariance + 1e-5).squareRoot() + 0.5 }
        for (a, e) in zip(e.value(z).data, expectedEval) { XCTAssertEqual(Double(a), e, accuracy: 1e-5) }
        XCTAssertEqual(statistics.batchesTracked, 1)
        XCTAssertEqual(statistics.runningMean.data[0], 0.3, accuracy: 1e-6)
    }

    func testAvgPool3x3DividesByInImagePixels() {
        let g = Graph(recording: false)
        let y = g.value(g.avgPool3x3(g.constant(Tensor(shape: [1, 1, 3, 3], data: (1...9).map(Float.init)))))
        // corner (1+2+4+5)/4, edge (1+2+3+4+5+6)/6, centre 45/9
        XCTAssertEqual(y[0, 0, 0, 0], 3)
        XCTAssertEqual(y[0, 0, 0, 1], 3.5)
        XCTAssertEqual(y[0, 0, 1, 0], 4.5)
        XCTAssertEqual(y[0, 0, 1, 1], 5)
        XCTAssertEqual(y[0, 0, 2, 2], 7)
    }

    func testAvgPool2x2AndGlobalAvgPool() {
        let g = Graph(recording: false)
        let x = g.constant(Tensor(shape: [1, 1, 2, 5], data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))
        // windows (1+2+6+7)/4 and (3+4+8+9)/4; the odd last column is dropped (floor)
        XCTAssertEqual(g.value(g.avgPool2x2(x)), Tensor(shape: [1, 1, 1, 2], data: [4, 6]))
        XCTAssertEqual(g.value(g.globalAvgPool(x)), Tensor(shape: [1, 1], data: [5.5]))
    }

    func testSoftmaxCrossEntropyValueAndAccuracy() {
        let g = Graph(recording: false)
        let logits = g.constant(Tensor(shape: [2, 2], data: [0, Float(log(3.0)), 1, 0]))
        let (loss, correct) = g.softmaxCrossEntropy(logits: logits, labels: [1, 1])
        // row 0: p = (1/4, 3/4), label 1 → −ln(3/4); row 1: −ln(1/(1+e)); argmax right only in row 0.
        let expected = (-log(0.75) + log(1 + exp(1.0))) / 2
        XCTAssertEqual(Double(g.value(loss).scalar), expected, accuracy: 1e-6)
        XCTAssertEqual(correct, 1)
    }

    func testLinearValue() {
        let g = Graph(recording: false)
        let y = g.linear(g.constant(Tensor(shape: [1, 2], data: [1, 2])),
                         weight: g.constant(Tensor(shape: [2, 2], data: [1, 0, 3, -1])),
                         bias: g.constant(Tensor(shape: [2], data: [0.5, 0])))
        XCTAssertEqual(g.value(y), Tensor(shape: [1, 2], data: [1.5, 1]))
    }
}

final class GraphTests: XCTestCase {
    func testParameterGradientsAccumulateAcrossPassesUntilZeroed() {
        let p = Parameter(Tensor(shape: [2], data: [1, -2]))
        for _ in 0..<2 {
            let g = Graph(recording: true)
            let x = g.parameter(p)
            let s = g.sum(of: [x, x, g.scale(x, by: 3)])  // d/dx = 5 per element
            g.backward(from: s, seed: Tensor(shape: [2], data: [1, 1]))
        }
        XCTAssertEqual(p.grad.data, [10, 10])
        p.zeroGrad()
        XCTAssertEqual(p.grad.data, [0, 0])
    }

    func testEvaluationGraphRecordsNoGradients() {
        let p = Parameter(Tensor(shape: [1], data: [3]))
        let g = Graph(recording: false)
        let y = g.relu(g.parameter(p))
        XCTAssertFalse(g.requiresGradient(y))
        XCTAssertEqual(g.value(y).data, [3])
    }

    func testConstantsReceiveNoGradientAndBatchNormUpdatesOnlyInTraining() {
        let statistics = BatchNormStatistics(channels: 1)
        let g = Graph(recording: false)
        let x = g.constant(Tensor(shape: [1, 1, 1, 2], data: [0, 2]))
        let one = g.constant(Tensor(shape: [1], data: [1])), zero = g.constant(Tensor(shape: [1], data: [0]))
        _ = g.batchNorm2d(x, gamma: one, beta: zero, statistics: statistics, training: false)
        XCTAssertEqual(statistics.batchesTracked, 0)
        _ = g.batchNorm2d(x, gamma: one, beta: zero, statistics: statistics, training: true)
        XCTAssertEqual(statistics.batchesTracked, 1)
        XCTAssertEqual(statistics.runningMean.data, [0.1])
        XCTAssertFalse(g.requiresGradient(x))
    }
}
