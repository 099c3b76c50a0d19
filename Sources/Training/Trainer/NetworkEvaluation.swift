import Datasets
import Foundation
import Networks
import TensorEngine

/// Loss and accuracy of a network on a list of images.
package struct EvaluationSummary: Codable, Equatable, Sendable {
    /// Mean cross-entropy over the images.
    package var loss: Double
    /// Top-1 accuracy in percent.
    package var accuracy: Double
    package var count: Int
}

/// Eval-mode passes over a selection of images, unshuffled and unaugmented: accuracy and loss, and
/// the building block MSRS needs (the activation taps of the first k batches).
package enum NetworkEvaluation {
    /// Runs `network` in eval mode (running BN statistics, no gradients) over `selection` in order,
    /// `batchSize` images at a time. O(images · forward cost).
    package static func evaluate(_ network: NATSNetwork, on selection: ImageSelection, normalization: Normalization,
                                batchSize: Int) throws -> EvaluationSummary {
        var lossSum = 0.0, correct = 0, count = 0
        try forEachBatch(of: network, on: selection, normalization: normalization, batchSize: batchSize) { pass in
            lossSum += pass.loss * Double(pass.batch.count)
            correct += pass.correct
            count += pass.batch.count
        }
        return EvaluationSummary(loss: count > 0 ? lossSum / Double(count) : .nan,
                                accuracy: count > 0 ? 100 * Double(correct) / Double(count) : .nan, count: count)
    }

    /// One eval-mode forward pass over one batch.
    package struct BatchPass {
        /// 0-based position of the batch in the selection's order.
        package var index: Int
        package var batch: Batch
        package var logits: Tensor
        /// Mean cross-entropy of the batch and the number of correct top-1 predictions.
        package var loss: Double
        package var correct: Int
        /// The activation taps (`NetworkSpec.activationTaps` order, each [n, C, H, W]) when requested,
        /// else empty.
        package var taps: [Tensor]
    }

    /// Calls `body` for each of the first `limit` (nil = all) batches of `selection`, in order,
    /// unshuffled and unaugmented, after an eval-mode forward pass. With `recordingTaps` the pass
    /// also hands over every activation tap (what MSRS scores: the first 10 batches of 256).
    package static func forEachBatch(of network: NATSNetwork, on selection: ImageSelection, normalization: Normalization,
                                    batchSize: Int, limit: Int? = nil, recordingTaps: Bool = false,
                                    _ body: (BatchPass) throws -> Void) throws {
        let loader = try BatchLoader(part: selection.part, indices: selection.indices, batchSize: batchSize,
                                     shuffle: false, augmentation: .disabled, normalization: normalization, seed: 0)
        let batches = loader.prefetching(epoch: 0)
        defer { batches.close() }
        var index = 0
        while index < (limit ?? Int.max), let batch = batches.next() {
            let g = Graph(recording: false)
            var tapped: [Variable] = []
            let logits = network.forward(g.constant(imageTensor(batch)), in: g, training: false,
                                         recorder: recordingTaps ? { _, v in tapped.append(v) } : nil)
            let result = g.softmaxCrossEntropy(logits: logits, labels: batch.labels)
            try body(BatchPass(index: index, batch: batch, logits: g.value(logits),
                               loss: Double(g.value(result.loss).scalar), correct: result.correct,
                               taps: tapped.map { g.value($0) }))
            index += 1
        }
    }

    /// A batch's images as an NCHW tensor.
    package static func imageTensor(_ batch: Batch) -> Tensor {
        Tensor(shape: [batch.count, batch.shape.channels, batch.shape.height, batch.shape.width], data: batch.images)
    }
}
