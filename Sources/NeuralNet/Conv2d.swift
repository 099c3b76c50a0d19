import TensorEngine
import Randomness

/// 2-D convolution without bias (PyTorch `Conv2d(bias=False)`); weight [out, in, k, k].
public final class Conv2d: NamedStateProvider {
    /// The kernel, shape [out, in, k, k].
    public let weight: Parameter
    /// The step between kernel positions, the same along height and width.
    public let stride: Int
    /// Zero padding on each side, in pixels.
    public let padding: Int

    /// Weight initialised kaiming-uniform (a = √5): uniform(±1/√(inChannels·k·k)).
    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                generator: inout SeededGenerator) {
        let fanIn = inChannels * kernelSize * kernelSize
        weight = Parameter(Initialization.kaimingUniform([outChannels, inChannels, kernelSize, kernelSize],
                                                         fanIn: fanIn, using: &generator))
        self.stride = stride
        self.padding = padding
    }

    /// [N, in, H, W] → [N, out, Ho, Wo].
    public func callAsFunction(_ x: Variable, in g: Graph) -> Variable {
        g.conv2d(x, weight: g.parameter(weight), stride: stride, padding: padding)
    }

    /// `weight` only.
    public var namedState: [NamedStateEntry] { [NamedStateEntry("weight", .parameter(weight))] }
}
