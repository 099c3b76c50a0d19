import TensorEngine
import Randomness

/// PyTorch's default layer initialisation, driven by an explicit generator.
public enum Initialization {
    /// `kaiming_uniform_(a = √5)`: uniform(±gain·√(3/fanIn)) with gain = √(2/(1+a²)), which is
    /// uniform(±1/√fanIn). This is PyTorch's default for `Conv2d` and `Linear` weights.
    public static func kaimingUniform(_ shape: [Int], fanIn: Int, using generator: inout SeededGenerator) -> Tensor {
        uniform(shape, bound: 1 / Float(fanIn).squareRoot(), using: &generator)
    }

    /// Values uniform in [−bound, bound).
    public static func uniform(_ shape: [Int], bound: Float, using generator: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape, data: (0..<Tensor.count(of: shape)).map { _ in generator.uniform(-bound, bound) })
    }
}
