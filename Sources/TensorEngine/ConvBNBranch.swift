/// One branch of `Graph.reluConvBatchNormSum`: BN(conv(relu(input))) with its parameters.
public struct ConvBNBranch {
    /// x [N, Cin, H, W], taken through a ReLU before the convolution.
    public var input: Variable
    /// Convolution weight [Cout, Cin, k, k] (no bias).
    public var weight: Variable
    /// Batch-norm scale, [Cout].
    public var gamma: Variable
    /// Batch-norm shift, [Cout].
    public var beta: Variable
    /// The batch norm's running statistics (Cout channels); updated in place in training mode.
    public var statistics: BatchNormStatistics
    /// Convolution stride, ≥ 1, in both spatial dimensions.
    public var stride: Int
    /// Zero padding of the convolution input, in pixels on each side, ≥ 0.
    public var padding: Int

    /// A branch from its input, convolution weight, batch-norm parameters and statistics.
    ///
    /// - Parameters:
    ///   - input: x [N, Cin, H, W], taken through a ReLU before the convolution.
    ///   - weight: Convolution weight [Cout, Cin, k, k] (no bias).
    ///   - gamma: Batch-norm scale, [Cout].
    ///   - beta: Batch-norm shift, [Cout].
    ///   - statistics: The batch norm's running statistics (Cout channels).
    ///   - stride: Convolution stride, ≥ 1.
    ///   - padding: Zero padding on each side, ≥ 0.
    public init(input: Variable, weight: Variable, gamma: Variable, beta: Variable,
                statistics: BatchNormStatistics, stride: Int, padding: Int) {
        (self.input, self.weight, self.gamma, self.beta) = (input, weight, gamma, beta)
        (self.statistics, self.stride, self.padding) = (statistics, stride, padding)
    }
}
