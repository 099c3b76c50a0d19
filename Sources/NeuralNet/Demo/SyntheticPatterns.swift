import TensorEngine
import Randomness

/// A small synthetic image classification task for demos and tests: 3×8×8 images of noisy
/// stripes. Class 0 = horizontal stripes, 1 = vertical stripes, 2 = checkerboard, 3 = diagonal
/// stripes; each image has a random phase, amplitude, per-channel gain and uniform noise, so a
/// classifier must detect orientation (a convolution), not a fixed pixel.
public enum SyntheticPatterns {
    /// Number of classes (horizontal, vertical, checkerboard, diagonal).
    public static let classes = 4
    /// Channels per image.
    public static let channels = 3
    /// Side of the square images, in pixels.
    public static let size = 8

    /// `count` images [count, 3, 8, 8] and their labels (classes cycle 0, 1, 2, 3, …).
    public static func make(count: Int, using generator: inout SeededGenerator) -> (images: Tensor, labels: [Int32]) {
        let planeSize = size * size
        var data = [Float](repeating: 0, count: count * channels * planeSize)
        var labels = [Int32](repeating: 0, count: count)
        for n in 0..<count {
            let label = n % classes
            labels[n] = Int32(label)
            let phase = generator.int(below: 2)
            let amplitude = generator.uniform(0.5, 1.5)
            for c in 0..<channels {
                let gain = generator.uniform(0.5, 1.0)
                for y in 0..<size {
                    for x in 0..<size {
                        let on: Bool
                        switch label {
                        case 0: on = (y + phase) % 2 == 0
                        case 1: on = (x + phase) % 2 == 0
                        case 2: on = (x + y + phase) % 2 == 0
                        default: on = ((x + y) / 2 + phase) % 2 == 0
                        }
                        let noise = generator.uniform(-1, 1)
                        data[(n * channels + c) * planeSize + y * size + x] = (on ? amplitude * gain : 0) + noise
                    }
                }
            }
        }
        return (Tensor(shape: [count, channels, size, size], data: data), labels)
    }
}

/// A tiny classifier: conv3×3(3→width) → BN → ReLU → global average pool → linear(width→classes).
public final class TinyConvNet: NamedStateProvider {
    /// The 3×3 convolution, padding 1.
    public let conv: Conv2d
    /// Batch normalisation after the convolution.
    public let norm: BatchNorm2d
    /// The linear layer from the pooled features to the logits.
    public let classifier: Linear

    /// A freshly initialised network.
    ///
    /// - Parameters:
    ///   - inChannels: Channels of the input images.
    ///   - width: Channels of the convolution's output and the classifier's input.
    ///   - classes: Number of logits.
    ///   - generator: The source of the initial weights.
    public init(inChannels: Int, width: Int, classes: Int, generator: inout SeededGenerator) {
        conv = Conv2d(inChannels: inChannels, outChannels: width, kernelSize: 3, padding: 1, generator: &generator)
        norm = BatchNorm2d(channels: width)
        classifier = Linear(inFeatures: width, outFeatures: classes, generator: &generator)
    }

    /// Logits [N, classes] for images [N, inChannels, H, W].
    public func callAsFunction(_ x: Variable, in g: Graph, training: Bool) -> Variable {
        classifier(g.globalAvgPool(g.relu(norm(conv(x, in: g), in: g, training: training))), in: g)
    }

    /// `conv.*`, `norm.*` and `classifier.*`.
    public var namedState: [NamedStateEntry] {
        conv.namedState.prefixed(by: "conv") + norm.namedState.prefixed(by: "norm")
            + classifier.namedState.prefixed(by: "classifier")
    }
}
