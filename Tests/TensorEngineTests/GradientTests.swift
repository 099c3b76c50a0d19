// Every op's gradients against central finite differences (TestSupport.assertGradientsMatch).
import XCTest
import TensorEngine
import Randomness
import TestSupport

final class GradientTests: XCTestCase {
    var generator = SeededGenerator(seed: 2024)

    func random(_ shape: [Int], minMagnitude: Float = 0) -> Tensor {
        randomTensor(shape, using: &generator, minMagnitude: minMagnitude)
    }

    func testCheckerRejectsAGradientOffByOnePercent() { KernelVariants.runEach { _ in checkCheckerRejectsAGradientOffByOnePercent() } }

    func checkCheckerRejectsAGradientOffByOnePercent() {
        // A scale op whose backward is wrong by a factor 1.01 must fail the default tolerance.
        let errors = gradientErrors(inputs: [random([2, 3])]) { g, v in
            let x = g.value(v[0])
            return g.record(x.scaled(by: 3), inputs: [v[0]]) { grad, g in
                g.accumulate(grad.scaled(by: 3 * 1.01), into: v[0])
            }
        }
        XCTAssertGreaterThan(errors[0], 2e-4)
        XCTAssertLessThan(errors[0], 2e-2)
    }

    func testAdd() { KernelVariants.runEach { _ in checkAdd() } }

    func checkAdd() { assertGradientsMatch(inputs: [random([2, 3, 4]), random([2, 3, 4])]) { g, v in g.add(v[0], v[1]) } }

    func testSumOfThree() { KernelVariants.runEach { _ in checkSumOfThree() } }

    func checkSumOfThree() {
        assertGradientsMatch(inputs: [random([2, 2, 3, 3]), random([2, 2, 3, 3]), random([2, 2, 3, 3])]) { g, v in
            g.sum(of: v)
        }
    }

    func testScale() { KernelVariants.runEach { _ in checkScale() } }

    func checkScale() { assertGradientsMatch(inputs: [random([5])]) { g, v in g.scale(v[0], by: -2.5) } }

    func testReLU() { KernelVariants.runEach { _ in checkReLU() } }

    func checkReLU() {
        assertGradientsMatch(inputs: [random([2, 3, 4, 4], minMagnitude: 0.1)]) { g, v in g.relu(v[0]) }
    }

    func testConv3x3Stride1Padding1() { KernelVariants.runEach { _ in checkConv3x3Stride1Padding1() } }

    func checkConv3x3Stride1Padding1() {
        assertGradientsMatch(inputs: [random([2, 3, 5, 5]), random([4, 3, 3, 3])]) { g, v in
            g.conv2d(v[0], weight: v[1], stride: 1, padding: 1)
        }
    }

    func testConv3x3Stride2Padding1OddSize() { KernelVariants.runEach { _ in checkConv3x3Stride2Padding1OddSize() } }

    func checkConv3x3Stride2Padding1OddSize() {
        assertGradientsMatch(inputs: [random([2, 2, 7, 7]), random([3, 2, 3, 3])]) { g, v in
            g.conv2d(v[0], weight: v[1], stride: 2, padding: 1)
        }
    }

    func testConv1x1() { KernelVariants.runEach { _ in checkConv1x1() } }

    func checkConv1x1() {
        assertGradientsMatch(inputs: [random([2, 3, 4, 4]), random([5, 3, 1, 1])]) { g, v in
            g.conv2d(v[0], weight: v[1])
        }
    }

    func testBatchNormTraining() { KernelVariants.runEach { _ in checkBatchNormTraining() } }

    func checkBatchNormTraining() {
        let statistics = BatchNormStatistics(channels: 3)
        assertGradientsMatch(inputs: [random([4, 3, 3, 3]), random([3]), random([3])]) { g, v in
            g.batchNorm2d(v[0], gamma: v[1], beta: v[2], statistics: statistics, training: true)
        }
    }

    func testBatchNormEvaluation() { KernelVariants.runEach { _ in checkBatchNormEvaluation() } }

    func checkBatchNormEvaluation() {
        let statistics = BatchNormStatistics(channels: 3)
        statistics.runningMean = random([3])
        statistics.runningVariance = Tensor(shape: [3], data: [0.5, 1.5, 2.0])
        assertGradientsMatch(inputs: [random([2, 3, 3, 3]), random([3]), random([3])]) { g, v in
            g.batchNorm2d(v[0], gamma: v[1], beta: v[2], statistics: statistics, training: false)
        }
    }

    func testAvgPool3x3IncludingBorders() { KernelVariants.runEach { _ in checkAvgPool3x3IncludingBorders() } }

    func checkAvgPool3x3IncludingBorders() {
        // 4×5 planes: every window kind (corner /4, edge /6, interior /9) occurs.
        assertGradientsMatch(inputs: [random([2, 2, 4, 5])]) { g, v in g.avgPool3x3(v[0]) }
    }

    func testAvgPool2x2() { KernelVariants.runEach { _ in checkAvgPool2x2() } }

    func checkAvgPool2x2() {
        assertGradientsMatch(inputs: [random([2, 2, 4, 6])]) { g, v in g.avgPool2x2(v[0]) }
    }

    func testGlobalAvgPool() { KernelVariants.runEach { _ in checkGlobalAvgPool() } }

    func checkGlobalAvgPool() {
        assertGradientsMatch(inputs: [random([3, 2, 3, 4])]) { g, v in g.globalAvgPool(v[0]) }
    }

    func testLinear() { KernelVariants.runEach { _ in checkLinear() } }

    func checkLinear() {
        assertGradientsMatch(inputs: [random([4, 5]), random([3, 5]), random([3])]) { g, v in
            g.linear(v[0], weight: v[1], bias: v[2])
        }
    }

    func testSoftmaxCrossEntropy() { KernelVariants.runEach { _ in checkSoftmaxCrossEntropy() } }

    func checkSoftmaxCrossEntropy() {
        let labels: [Int32] = [2, 0, 1, 2, 3]
        assertGradientsMatch(inputs: [random([5, 4]).scaled(by: 2)]) { g, v in
            g.softmaxCrossEntropy(logits: v[0], labels: labels).loss
        }
    }

    func testCellLikeGraphAccumulatesGradientOfSharedInput() { KernelVariants.runEach { _ in checkCellLikeGraphAccumulatesGradientOfSharedInput() } }

    func checkCellLikeGraphAccumulatesGradientOfSharedInput() {
        // x feeds a conv branch, a pooling branch and a skip; the node sums them (NATS cell node).
        let statistics = BatchNormStatistics(channels: 2)
        assertGradientsMatch(inputs: [random([2, 2, 4, 4], minMagnitude: 0.05), random([2, 2, 3, 3]),
                                      random([2]), random([2])]) { g, v in
            let x = v[0]
            let conv = g.batchNorm2d(g.conv2d(g.relu(x), weight: v[1], padding: 1), gamma: v[2], beta: v[3],
                                     statistics: statistics, training: true)
            let node1 = g.sum(of: [conv, g.avgPool3x3(x), x])
            return g.add(g.scale(node1, by: 0.5), x)
        }
    }
}
