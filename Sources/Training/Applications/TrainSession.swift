import Foundation
import Persistence
import RunModel
import TensorEngine

/// `metrics.json` of a `rednas train` run.
package struct TrainRunReport: Codable, Equatable {
    /// "finished", "diverged" or "interrupted".
    package var status: String
    package var arch: String
    package var index: Int
    package var dataset: String
    package var params: Int
    package var flops: Int
    package var seed: UInt64
    package var epochs: Int
    package var history: [EpochMetrics]
    package var final: EpochMetrics?
    package var diverged: String?
    /// Wall time of this invocation (training and evaluation), seconds.
    package var wallSeconds: Double
    package var imagesPerSecond: Double?
    package var weights: String?
    /// The resolved configuration (YAML), as run.
    package var config: String
    /// CPU, OpenBLAS core and RedNAS kernel set of this invocation.
    package var compute: ComputeEnvironment?
}

/// One `rednas train` run in an output folder: trains with checkpoints in the folder, then writes
/// `weights.safetensors` and `metrics.json`; appends per-epoch lines to `train.log`.
package struct TrainSession {
    package let setup: TrainRunSetup
    package let directory: URL
    package let resolvedConfig: String

    package init(setup: TrainRunSetup, directory: URL, resolvedConfig: String) {
        self.setup = setup; self.directory = directory; self.resolvedConfig = resolvedConfig
    }

    package var checkpointExists: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(Trainer.manifestName).path)
    }

    /// Trains (resuming from the folder's checkpoint when there is one), writes the outputs and
    /// returns the report. `log` receives the permanent lines (also appended to train.log).
    package func run(stop: StopSignal, log: (String) -> Void, progress: (CandidateProgress) -> Void) throws -> TrainRunReport {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try AtomicFile.write(resolvedConfig, to: directory.appendingPathComponent("config.yaml"))
        let logURL = directory.appendingPathComponent("train.log")
        if !FileManager.default.fileExists(atPath: logURL.path),
           !FileManager.default.createFile(atPath: logURL.path, contents: nil) {
            throw PersistenceError.io(path: logURL.path, what: "cannot create the training log", errno: errno)
        }
        let logFile = try FileHandle(forWritingTo: logURL)
        defer { try? logFile.close() }
        logFile.seekToEndOfFile()
        func emit(_ line: String) {
            logFile.write(Data((line + "\n").utf8))
            log(line)
        }
        let start = Date()
        let s = setup
        let trainer = try Trainer(cell: s.cell, spec: s.spec, recipe: s.recipe, data: s.data, seed: s.seed,
                                  checkpointDirectory: directory)
        emit("train \(s.cell.architectureString) (index \(s.cell.index)) on \(s.datasetName): "
             + "\(s.data.train.indices.count) train / \(s.data.valid?.indices.count ?? 0) valid / "
             + "\(s.data.test?.indices.count ?? 0) test images, C \(s.spec.channels), cells \(s.spec.cellsPerStage), "
             + "\(s.recipe.epochs) epochs, \(trainer.network.parameterCount) params, seed \(s.seed)")
        let compute = ComputeSetup.environment
        logFile.write(Data((compute.summary + "\n").utf8))
        let outcome = try trainer.run(stop: stop, progress: progress) { emit(Self.epochLine($0, of: s.recipe.epochs)) }
        var report = TrainRunReport(status: "finished", arch: s.cell.architectureString, index: s.cell.index,
                                    dataset: s.datasetName, params: s.spec.parameterCount(for: s.cell),
                                    flops: s.spec.flops(for: s.cell), seed: s.seed, epochs: s.recipe.epochs, history: [],
                                    final: nil, diverged: nil, wallSeconds: 0, imagesPerSecond: nil, weights: nil,
                                    config: resolvedConfig, compute: compute)
        switch outcome {
        case .interrupted(let done):
            report.status = "interrupted"
            emit("interrupted after \(done) finished epoch(s); the checkpoint is in \(directory.path) (continue with --resume)")
        case .finished(let result):
            report.history = result.history
            report.final = result.final
            report.diverged = result.diverged
            report.imagesPerSecond = result.imagesPerSecond
            if let diverged = result.diverged {
                report.status = "diverged"
                emit(diverged)
            } else {
                try NetworkWeights.export(trainer.network, to: directory.appendingPathComponent("weights.safetensors"),
                                          extraMetadata: ["seed": String(s.seed), "dataset": s.datasetName]
                                            .merging(NetworkWeights.metadata(of: s.data.normalization)) { a, _ in a })
                report.weights = "weights.safetensors"
            }
        }
        report.wallSeconds = Date().timeIntervalSince(start)
        try AtomicFile.write(try JSONStyle.document(report), to: directory.appendingPathComponent("metrics.json"))
        return report
    }

    /// "epoch 3/5  lr 0.0345  train loss 0.4123 acc 85.12%  valid 86.40%  test 85.90%  12.3s 4870 img/s".
    package static func epochLine(_ m: EpochMetrics, of total: Int) -> String {
        var line = String(format: "epoch %d/%d  lr %.4f  train loss %.4f acc %.2f%%", m.epoch, total, m.learningRate,
                          m.trainLoss, m.trainAccuracy)
        if let v = m.validAccuracy { line += String(format: "  valid %.2f%%", v) }
        if let t = m.testAccuracy { line += String(format: "  test %.2f%% (loss %.4f)", t, m.testLoss ?? .nan) }
        return line + String(format: "  %@ %.0f img/s", formatDuration(m.seconds), m.imagesPerSecond)
    }
}
