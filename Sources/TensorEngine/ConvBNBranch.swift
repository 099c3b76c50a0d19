/// One branch of `Graph.reluConvBatchNormSum`: BN(conv(relu(input))) with its parameters.
public struct ConvBNBranch {
    /// x [N, Cin, H, W], taken through a ReLU before the convolution.
    public var input: Variable
    /// Convolution weight [Cout, Cin, k, k] (no bias).
    public var weight: Variable
    /// Batch-norm scale and shift, [Cout].
    public var gamma: Variable
    public var beta: Variable
    public var statistics: BatchNormStatistics
    public var stride: Int
    public var padding: Int

    public init(input: Variable, weight: Variable, gamma: Variable, beta: Variable,
                statistics: BatchNormStatistics, stride: Int, padding: Int) {
        (self.input, self.weight, self.gamma, self.beta) = (input, weight, gamma, beta)
        (self.statistics, self.stride, self.padding) = (statistics, stride, padding)
    }
}
