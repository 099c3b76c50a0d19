import CellSpace
import NeuralNet
import Randomness
import TensorEngine

/// One edge of a searchable cell: its operation and, for convolutions, the layer that runs it.
enum EdgeModule {
    case zero
    case identity
    case pool
    case convolution(ReLUConvBN)

    init(_ operation: CellSpace.Operation, channels: Int, generator: inout SeededGenerator) {
        switch operation {
        case .none: self = .zero
        case .skipConnect: self = .identity
        case .avgPool3x3: self = .pool
        case .conv1x1, .conv3x3:
            self = .convolution(ReLUConvBN(inChannels: channels, outChannels: channels,
                                           kernelSize: operation.convolutionKernelSize!, generator: &generator))
        }
    }
}
