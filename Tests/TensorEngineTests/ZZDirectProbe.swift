// TEMPORARY probe, not committed.
import XCTest
@testable import TensorEngine
import Randomness
import TestSupport
import Foundation

final class ZZDirectProbe: XCTestCase {
    func testProbe() {
        var g = SeededGenerator(seed: 1)
        for (n, c, s) in [(64, 8, 32), (64, 3, 32)] {
            let x = randomTensor([n, c, s, s], using: &g), w = randomTensor([8, c, 3, 3], using: &g)
            let geo = ConvGeometry(input: x.shape, weight: w.shape, stride: 1, padding: 1)
            let dy = randomTensor(geo.outputShape, using: &g)
            print("diff fwd", maxRelativeDifference(DirectKernels.forward(input: x, weight: w, geo), NaiveConvolution.forward(x, weight: w, stride: 1, padding: 1)),
                  "dx", maxRelativeDifference(DirectKernels.inputGradient(outputGradient: dy, weight: w, geo), NaiveConvolution.inputGradient(dy, weight: w, inputShape: x.shape, stride: 1, padding: 1)),
                  "dw", maxRelativeDifference(DirectKernels.weightGradient(input: x, outputGradient: dy, geo), NaiveConvolution.weightGradient(dy, input: x, weightShape: w.shape, stride: 1, padding: 1)))
            ComputeThreads.set(1)
            func time(_ f: () -> Void) -> Double {
                var best = Double.infinity
                for _ in 0..<8 { let t = DispatchTime.now().uptimeNanoseconds; f(); best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6) }
                return best
            }
            for _ in 0..<3 {
                let df = time { _ = DirectKernels.forward(input: x, weight: w, geo) }
                let wf = time { _ = Winograd4x4Kernels.forward(input: x, weight: w, geo) }
                let dd = time { _ = DirectKernels.inputGradient(outputGradient: dy, weight: w, geo) }
                let wd = time { _ = Winograd4x4Kernels.inputGradient(outputGradient: dy, weight: w, geo) }
                let dw = time { _ = DirectKernels.weightGradient(input: x, outputGradient: dy, geo) }
                let ww = time { _ = Winograd4x4Kernels.weightGradient(input: x, outputGradient: dy, geo) }
                print(String(format: "%d→8 @%d² B=%d 1 thread: fwd direct %.2f wino %.2f | dX direct %.2f wino %.2f | dW direct %.2f wino %.2f ms", c, s, n, df, wf, dd, wd, dw, ww))
            }
        }
    }
}
