import CellSpace
import Datasets
import Foundation
import Persistence
import Networks
import Redundancy
import RunModel
import TensorEngine

/// The real candidate evaluator: trains the cell with the run's protocol, measures its MSRS on the
/// evaluation split, and leaves in the candidate folder `metrics.json` (training curves + MSRS
/// summary), `msrs.json` (the full `MSRSResult`, CKA matrix included), `weights.safetensors`
/// (reference tensor names), `train.log` and `epochs.jsonl` (a line per epoch as it ends) and,
/// while training, an epoch checkpoint it resumes from.
package final class TrainingEvaluator: CandidateEvaluator {
    package let spec: NetworkSpec
    package let recipe: TrainingRecipe
    package let data: TrainingData
    package let redundancy: NetworkRedundancy
    /// The images MSRS is measured on (the first `redundancy.batches` unshuffled batches).
    package let msrsSelection: ImageSelection

    package init(spec: NetworkSpec, recipe: TrainingRecipe, data: TrainingData, redundancy: NetworkRedundancy,
                msrsSelection: ImageSelection) {
        self.spec = spec; self.recipe = recipe; self.data = data
        self.redundancy = redundancy; self.msrsSelection = msrsSelection
    }

    package func networkCounts(for cell: Cell) -> NetworkCounts? {
        NetworkCounts(params: spec.parameterCount(for: cell), flops: spec.flops(for: cell))
    }

    package func evaluate(_ task: CandidateTask, in directory: URL, stop: StopSignal,
                         progress: (CandidateProgress) -> Void) throws -> CandidateOutcome {
        let checkpoints = directory.appendingPathComponent("checkpoint")
        let trainer = try Trainer(cell: task.cell, spec: spec, recipe: recipe, data: data, seed: task.seed,
                                  checkpointDirectory: checkpoints)
        trainer.runFingerprint = task.runFingerprint
        // The search never reads the test split: it is evaluated once, after the last epoch.
        trainer.testEvaluation = .atEnd
        let log = directory.appendingPathComponent("train.log")
        // A rung (task.epochs) stops early within the same protocol; its checkpoint stays for a promotion.
        let epochs = min(task.epochs ?? recipe.epochs, recipe.epochs)
        let compute = ComputeSetup.environment
        Self.appendLine(compute.summary, to: log)
        let outcome = try trainer.run(through: epochs, stop: stop, progress: progress) { epoch in
            Self.appendLine(String(format: "epoch %d lr %.4f train loss %.4f acc %.2f%% valid acc %@ (%.1fs, %.0f img/s)",
                                   epoch.epoch, epoch.learningRate, epoch.trainLoss, epoch.trainAccuracy,
                                   epoch.validAccuracy.map { String(format: "%.2f%%", $0) } ?? "-",
                                   epoch.seconds, epoch.imagesPerSecond), to: log)
            // Best effort, like the log: a live view for the report while the candidate trains.
            if let line = try? CandidateFile.epochLogLine(epoch) {
                Self.append(line, to: directory.appendingPathComponent(CandidateFile.epochLogName))
            }
        }
        guard case let .finished(result) = outcome else { return .interrupted }
        if let test = result.final?.testAccuracy {
            Self.appendLine(String(format: "test acc %.2f%% after epoch %d (evaluated after the candidate's training or rung; "
                                   + "never used by the search)", test, epochs), to: log)
        }
        var metrics = result.candidateMetrics(params: spec.parameterCount(for: task.cell),
                                              flops: spec.flops(for: task.cell), weights: "weights.safetensors")
        metrics.epochs = epochs
        var msrsResult: MSRSResult?
        if result.diverged == nil {
            let started = Date()
            let measured = try redundancy.measure(trainer.network, part: msrsSelection.part,
                                                  indices: msrsSelection.indices, normalization: data.normalization)
            metrics.msrsSeconds = Date().timeIntervalSince(started)
            metrics.msrs = measured.msrs
            metrics.msrsNormalized = measured.msrsNormalized
            if case let .undefined(reason) = measured.score { metrics.msrsUndefined = reason }
            msrsResult = measured
        }
        try NetworkWeights.export(trainer.network, to: directory.appendingPathComponent("weights.safetensors"),
                                  extraMetadata: ["seed": String(task.seed), "candidate": String(task.number)]
                                    .merging(NetworkWeights.metadata(of: data.normalization)) { a, _ in a }
                                    .merging(task.runFingerprint.map { [NetworkWeights.runFingerprintKey: $0] } ?? [:]) { a, _ in a })
        if let msrsResult { try AtomicFile.write(try JSONStyle.document(msrsResult), to: directory.appendingPathComponent("msrs.json")) }
        let record = CandidateFile(arch: task.cell.architectureString, index: task.cell.index, seed: task.seed,
                                   metrics: metrics, training: result,
                                   compute: TrainingMachine(compute))
        try AtomicFile.write(try record.encoded(), to: directory.appendingPathComponent(CandidateFile.fileName))
        // Paused at a rung below the top: the checkpoint is what a promotion continues from.
        if epochs == recipe.epochs || result.diverged != nil { try? FileManager.default.removeItem(at: checkpoints) }
        return .finished(metrics)
    }

    /// `metrics.json` of a candidate folder (the format lives in RunModel, where the report reads it).
    package typealias CandidateFile = RunModel.CandidateFile

    private static func appendLine(_ line: String, to url: URL) { append(Data((line + "\n").utf8), to: url) }

    private static func append(_ data: Data, to url: URL) {
        if let h = FileHandle(forWritingAtPath: url.path) { h.seekToEndOfFile(); h.write(data); h.closeFile() }
        else { try? data.write(to: url) }
    }
}

extension TrainingMachine {
    /// The record of a compute environment.
    init(_ e: ComputeEnvironment) {
        self.init(cpuModel: e.cpuModel, cpuSignature: e.cpuSignature, openblasCore: e.openblasCore,
                  openblasCoreSource: e.openblasCoreSource, kernels: e.kernels)
    }
}
