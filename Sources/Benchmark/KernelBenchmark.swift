import CellSpace
import Randomness
import TensorEngine

/// Kernel-level timings of the convolution shapes of the NATS network (and the ops around them),
/// used to profile the engine without building a whole network.
package enum KernelBenchmark {
    /// The largest first-stage channel count `--channels` accepts (the network limit).
    package static var channelLimit: Int { NetworkSpec.Limits.channels }

    /// One convolution shape: [batch, inChannels, side, side] ⊛ [outChannels, inChannels, k, k].
    package struct ConvShape: Sendable, CustomStringConvertible {
        package let inChannels, outChannels, side, kernel, stride, padding: Int
        package var description: String {
            "conv\(kernel)x\(kernel)\(stride > 1 ? "/s\(stride)" : "") \(inChannels)→\(outChannels) @\(side)²"
        }
        /// Multiply-adds per image.
        package var macsPerImage: Int {
            let out = (side + 2 * padding - kernel) / stride + 1
            return outChannels * out * out * inChannels * kernel * kernel
        }
    }

    /// The distinct convolution shapes of the NATS network at C channels (cells, reductions, stem).
    package static func natsShapes(channels c: Int) -> [ConvShape] {
        var shapes = [ConvShape(inChannels: 3, outChannels: c, side: 32, kernel: 3, stride: 1, padding: 1)]
        for (ch, side) in [(c, 32), (2 * c, 16), (4 * c, 8)] {
            shapes.append(ConvShape(inChannels: ch, outChannels: ch, side: side, kernel: 3, stride: 1, padding: 1))
            shapes.append(ConvShape(inChannels: ch, outChannels: ch, side: side, kernel: 1, stride: 1, padding: 0))
        }
        for (ch, side) in [(c, 32), (2 * c, 16)] {
            shapes.append(ConvShape(inChannels: ch, outChannels: 2 * ch, side: side, kernel: 3, stride: 2, padding: 1))
            shapes.append(ConvShape(inChannels: ch, outChannels: 2 * ch, side: side / 2, kernel: 1, stride: 1, padding: 0))
        }
        return shapes
    }

    package struct Row: Sendable {
        package let name: String
        package let batch: Int
        /// Forward only, and forward + both backward products.
        package let forward, training: TimingSummary
        /// Forward multiply-adds of the whole batch (0 for non-convolution ops).
        package let macs: Int
    }

    /// Times forward and forward+backward of each shape at `batch`, plus BN/ReLU/sum at the first
    /// cell shape.
    package static func run(channels: Int, batch: Int, stopwatch: Stopwatch) -> [Row] {
        var generator = SeededGenerator(seed: 1)
        var rows: [Row] = []
        for shape in natsShapes(channels: channels) {
            let x = random([batch, shape.inChannels, shape.side, shape.side], &generator)
            let w = random([shape.outChannels, shape.inChannels, shape.kernel, shape.kernel], &generator)
            let op: (Graph, Variable, Variable) -> Variable = { g, x, w in
                g.conv2d(x, weight: w, stride: shape.stride, padding: shape.padding)
            }
            rows.append(time(shape.description, batch, x, w, macs: shape.macsPerImage * batch, stopwatch, op))
        }
        let x = random([batch, channels, 32, 32], &generator)
        let gamma = Tensor(repeating: 1, shape: [channels]), beta = Tensor.zeros([channels])
        let statistics = BatchNormStatistics(channels: channels)
        rows.append(time("batchNorm @32² C\(channels)", batch, x, gamma, macs: 0, stopwatch) { g, x, gm in
            g.batchNorm2d(x, gamma: gm, beta: g.parameter(Parameter(beta)), statistics: statistics, training: true)
        })
        rows.append(time("relu @32² C\(channels)", batch, x, gamma, macs: 0, stopwatch) { g, x, _ in g.relu(x) })
        rows.append(time("sum of 3 @32² C\(channels)", batch, x, gamma, macs: 0, stopwatch) { g, x, _ in
            g.sum(of: [x, g.scale(x, by: 2), x])
        })
        return rows
    }

    private static func random(_ shape: [Int], _ generator: inout SeededGenerator) -> Tensor {
        var t = Tensor.zeros(shape)
        for i in 0..<t.count { t.data[i] = generator.nextFloat() * 2 - 1 }
        return t
    }

    private static func time(_ name: String, _ batch: Int, _ x: Tensor, _ w: Tensor, macs: Int, _ stopwatch: Stopwatch,
                             _ op: @escaping (Graph, Variable, Variable) -> Variable) -> Row {
        let forward = stopwatch.measure {
            let g = Graph(recording: false)
            _ = op(g, g.constant(x), g.constant(w))
        }
        let input = Parameter(x), weight = Parameter(w)
        let training = stopwatch.measure {
            let g = Graph(recording: true)
            let y = op(g, g.parameter(input), g.parameter(weight))
            g.backward(from: y, seed: g.value(y))
        }
        return Row(name: name, batch: batch, forward: forward, training: training, macs: macs)
    }
}
