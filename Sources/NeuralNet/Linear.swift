import TensorEngine
import Randomness

/// Fully connected layer with bias (PyTorch `Linear`); weight [out, in], bias [out].
public final class Linear: NamedStateProvider {
    /// The weight, shape [out, in].
    public let weight: Parameter
    /// The bias, shape [out].
    public let bias: Parameter

    /// Weight kaiming-uniform (a = √5) = uniform(±1/√in), then bias uniform(±1/√in).
    public init(inFeatures: Int, outFeatures: Int, generator: inout SeededGenerator) {
        weight = Parameter(Initialization.kaimingUniform([outFeatures, inFeatures], fanIn: inFeatures, using: &generator))
        bias = Parameter(Initialization.uniform([outFeatures], bound: 1 / Float(inFeatures).squareRoot(), using: &generator))
    }

    /// [N, in] → [N, out].
    public func callAsFunction(_ x: Variable, in g: Graph) -> Variable {
        g.linear(x, weight: g.parameter(weight), bias: g.parameter(bias))
    }

    /// `weight`, then `bias`.
    public var namedState: [NamedStateEntry] {
        [NamedStateEntry("weight", .parameter(weight)), NamedStateEntry("bias", .parameter(bias))]
    }
}
