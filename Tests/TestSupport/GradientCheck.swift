// Finite-difference oracle for every op's gradients.
import XCTest
import TensorEngine
import Randomness

/// A tensor with values uniform in [-1, 1), optionally pushed away from zero to at least
/// `minMagnitude` (keeps ReLU inputs off the kink).
public func randomTensor(_ shape: [Int], using generator: inout SeededGenerator, minMagnitude: Float = 0) -> Tensor {
    let data = (0..<Tensor.count(of: shape)).map { _ -> Float in
        let v = generator.uniform(-1, 1)
        return v >= 0 ? minMagnitude + (1 - minMagnitude) * v : -minMagnitude + (1 - minMagnitude) * v
    }
    return Tensor(shape: shape, data: data)
}

/// Compares the analytic gradient of `Σ r·f(x₀, x₁, …)` (r a fixed random projection of the
/// output) with central differences, for each input. Returns one normwise relative error
/// ‖analytic − numeric‖ / ‖numeric‖ per input. The objective is accumulated in Double.
///
/// `f` receives the graph and one parameter leaf per input; it is run once recorded (analytic) and
/// 2·Σcount times unrecorded (numeric), so it must be a pure function of its inputs.
public func gradientErrors(inputs: [Tensor], seed: UInt64 = 99, epsilon: Float = 1e-2,
                           _ f: (Graph, [Variable]) -> Variable) -> [Double] {
    let parameters = inputs.map { Parameter($0) }
    let g = Graph(recording: true)
    let output = f(g, parameters.map { g.parameter($0) })
    var generator = SeededGenerator(seed: seed, stream: 5)
    let projection = randomTensor(g.shape(output), using: &generator)
    g.backward(from: output, seed: projection)

    func objective(_ xs: [Tensor]) -> Double {
        let e = Graph(recording: false)
        let y = e.value(f(e, xs.map { e.constant($0) }))
        var s = 0.0
        for (a, b) in zip(y.data, projection.data) { s += Double(a) * Double(b) }
        return s
    }
    var errors: [Double] = []
    for (which, p) in parameters.enumerated() {
        var squaredDifference = 0.0, squaredNumeric = 0.0
        for j in 0..<p.value.count {
            var xs = inputs
            xs[which].data[j] = inputs[which].data[j] + epsilon
            let plus = objective(xs)
            xs[which].data[j] = inputs[which].data[j] - epsilon
            let minus = objective(xs)
            // Divide by the perturbation actually applied in float32.
            let step = Double(inputs[which].data[j] + epsilon) - Double(inputs[which].data[j] - epsilon)
            let numeric = (plus - minus) / step
            let analytic = Double(p.grad.data[j])
            squaredDifference += (analytic - numeric) * (analytic - numeric)
            squaredNumeric += numeric * numeric
        }
        errors.append(squaredDifference.squareRoot() / max(squaredNumeric.squareRoot(), 1e-12))
    }
    return errors
}

/// Asserts that every input's gradient matches central differences within `tolerance` (normwise
/// relative). The default 2e-4 fails a gradient off by a factor 1.01 (correct ops measure
/// ≤ 5e-5 with float32 and ε = 1e-2).
public func assertGradientsMatch(inputs: [Tensor], tolerance: Double = 2e-4, epsilon: Float = 1e-2,
                                 file: StaticString = #filePath, line: UInt = #line,
                                 _ f: (Graph, [Variable]) -> Variable) {
    let errors = gradientErrors(inputs: inputs, epsilon: epsilon, f)
    for (i, e) in errors.enumerated() {
        XCTAssertLessThan(e, tolerance, "gradient of input \(i) (shape \(inputs[i].shape)) differs from finite differences",
                          file: file, line: line)
    }
}
