import CellSpace
import Configuration
import Datasets
import Foundation
import Networks
import Persistence
import TensorEngine

/// `rednas eval`: accuracy, loss and per-class accuracy of saved weights on one split of a
/// config's data — eval mode (running BN statistics), unshuffled, unaugmented, every image of the
/// split (after the config's split and subsets, the same images training and the search used).
package struct WeightsEvaluation: Codable, Equatable {
    package enum Split: String, Codable, CaseIterable, Sendable { case train, valid, test }

    package struct ClassAccuracy: Codable, Equatable {
        package var label: Int
        package var images: Int
        package var correct: Int
        /// Top-1 accuracy in percent; nil when the split holds no image of this class.
        package var accuracy: Double?
    }

    package var arch: String
    package var index: Int
    package var cellsPerStage: [Int]
    package var split: Split
    package var images: Int
    package var correct: Int
    /// Top-1 accuracy in percent.
    package var accuracy: Double
    /// Mean cross-entropy.
    package var loss: Double
    package var perClass: [ClassAccuracy]
    package var seconds: Double
    /// The compute threads it ran on (the config's `threads`, 0 = every core).
    package var threads: Int

    enum CodingKeys: String, CodingKey {
        case arch, index, cellsPerStage = "cells_per_stage", split, images, correct, accuracy, loss
        case perClass = "per_class", seconds, threads
    }

    /// Where `evaluate` writes the logits of the split's first `images` images, as a safetensors file
    /// of F32 tensors: `pixels` (the raw 0–255 values, NCHW), `inputs` (what the network saw:
    /// normalised, NCHW), `logits` ([n, classes]) and `labels` — so another framework can check it
    /// computes the same function.
    package struct LogitsDump {
        package var url: URL
        package var images: Int
        package init(url: URL, images: Int) { self.url = url; self.images = images }
    }

    /// Loads the network from `weights` (its metadata gives the architecture and shape) and
    /// evaluates it on `split` of the config's `dataset` section (split and subsets as configured);
    /// with `logits`, also writes that dump.
    package static func evaluate(weights: URL, config: ExperimentConfig, split: Split,
                                 logits dump: LogitsDump? = nil) throws -> WeightsEvaluation {
        let network = try NetworkWeights.loadNetwork(from: weights)
        let setup = try ProtocolSetup.resolve(dataset: config.dataset, network: config.network, training: config.training)
        guard setup.spec.inputChannels == network.spec.inputChannels, setup.spec.inputSize == network.spec.inputSize else {
            throw TrainingError.dataMismatch("the weights expect \(network.spec.inputChannels)×\(network.spec.inputSize)² images, "
                + "the config's dataset has \(setup.spec.inputChannels)×\(setup.spec.inputSize)²")
        }
        guard setup.data.classCount <= network.spec.classes else {
            throw TrainingError.dataMismatch("the data has \(setup.data.classCount) classes but the weights' network only \(network.spec.classes)")
        }
        let selection: ImageSelection?
        switch split {
        case .train: selection = setup.data.train
        case .valid: selection = setup.data.valid
        case .test: selection = setup.data.test
        }
        guard let selection, !selection.indices.isEmpty else {
            throw TrainingError.dataMismatch("--split \(split.rawValue): the config's dataset has no \(split.rawValue) images")
        }
        let started = Date()
        let classes = setup.data.classCount
        var images = [Int](repeating: 0, count: classes), hits = [Int](repeating: 0, count: classes)
        var lossSum = 0.0, correct = 0, count = 0
        var pixels: [Float] = [], inputs: [Float] = [], logits: [Float] = [], labels: [Float] = []
        try NetworkEvaluation.forEachBatch(of: network, on: selection, normalization: setup.data.normalization,
                                           batchSize: setup.recipe.evaluationBatchSize) { pass in
            if let dump, labels.count < dump.images {
                let take = min(dump.images - labels.count, pass.batch.count), volume = pass.batch.shape.volume
                for row in 0..<take { pixels += selection.part.image(pass.batch.indices[row]).map(Float.init) }
                inputs += pass.batch.images[0..<(take * volume)]
                logits += pass.logits.data[0..<(take * pass.logits.shape[1])]
                labels += pass.batch.labels[0..<take].map(Float.init)
            }
            lossSum += pass.loss * Double(pass.batch.count)
            correct += pass.correct
            count += pass.batch.count
            let width = pass.logits.shape[1], z = pass.logits.data
            for (row, label) in pass.batch.labels.enumerated() {
                // The first largest logit, as the loss's `correct` count picks it.
                var best = 0
                for j in 1..<width where z[row * width + j] > z[row * width + best] { best = j }
                images[Int(label)] += 1
                if best == Int(label) { hits[Int(label)] += 1 }
            }
        }
        if let dump {
            let shape = network.spec, n = labels.count
            let image = [n, shape.inputChannels, shape.inputSize, shape.inputSize]
            try SafeTensors(entries: [.float32("pixels", shape: image, values: pixels), .float32("inputs", shape: image, values: inputs),
                                      .float32("logits", shape: [n, logits.count / max(n, 1)], values: logits),
                                      .float32("labels", shape: [n], values: labels)],
                            metadata: ["weights": weights.path, "split": split.rawValue]).write(to: dump.url)
        }
        let perClass = (0..<classes).map { k in
            ClassAccuracy(label: k, images: images[k], correct: hits[k],
                          accuracy: images[k] > 0 ? 100 * Double(hits[k]) / Double(images[k]) : nil)
        }
        return WeightsEvaluation(arch: network.cell.architectureString, index: network.cell.index,
                                 cellsPerStage: network.spec.cellsPerStage, split: split, images: count, correct: correct,
                                 accuracy: 100 * Double(correct) / Double(count), loss: lossSum / Double(count),
                                 perClass: perClass, seconds: Date().timeIntervalSince(started),
                                 threads: ComputeThreadSetting.current)
    }
}
