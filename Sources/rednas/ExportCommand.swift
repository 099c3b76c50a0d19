import ArgumentParser
import Foundation
import Persistence
import RedNASCore
import Search

/// `rednas export DIR`: the best architecture of a run, with metrics, weights and a retrain command.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a run's best architecture, its top candidates and Pareto front, ready to use.",
        usage: "rednas export <directory> [--output <file>] [--format json|yaml]\n  [--top <k>] [--retrain-epochs <n>] [--allow-missing-weights]\n"
            + "       rednas export --storage <url> --name <name> [options]",
        discussion: """
            Writes DIR/export.json (or --format yaml): the best architecture's NATS string and index, \
            metrics, MSRS, params and FLOPs, weights path, input normalisation, the arguments of the \
            reference TinyNetwork and a PyTorch recipe that loads the weights (pytorch_recipe), the \
            top-K candidates and the Pareto front. Beside it, export.train.yaml retrains the answer \
            with the full protocol (200 epochs, no subsets; retrain_command) and export.reproduce.yaml \
            reproduces the search's own numbers (reproduce_command).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, yaml }

    @Argument(help: "The run directory (or --storage URL --name NAME: copied into --run-dir first).")
    var directory: String?

    @OptionGroup var database: StorageOptions

    @Option(help: "Where to write the export (default: DIR/export.json or DIR/export.yaml).")
    var output: String?

    @Option(help: "json or yaml.")
    var format: Format = .json

    @Flag(help: "Export even when the best candidate's weights file is missing (the export then has no `weights` key).")
    var allowMissingWeights = false

    @Option(name: .customLong("top"), parsing: .unconditional, help: "Candidates listed in top_k.")
    var topK = 5

    @Option(name: .customLong("retrain-epochs"), parsing: .unconditional,
            help: "Epochs of the retrain config (default: the full protocol's 200).")
    var retrainEpochs = ArchitectureExport.fullProtocolEpochs

    func validate() throws {
        guard topK >= 1 else { throw ValidationError("--top must be at least 1, got \(topK)") }
        guard (1...10_000).contains(retrainEpochs) else {
            throw ValidationError("--retrain-epochs must be between 1 and 10000, got \(retrainEpochs)")
        }
    }

    func run() throws {
        let run = try database.run(directory: directory).0
        let summary = try RunSnapshot.load(run, .strict)
        for problem in summary.problems { FileHandle.standardError.write(Data("warning: \(problem)\n".utf8)) }
        let target = URL(fileURLWithPath: output ?? run.url.appendingPathComponent("export.\(format.rawValue)").path)
        var targets = ArchitectureExport.Targets(export: target)
        targets.topK = topK
        targets.retrainEpochs = retrainEpochs
        let export = try ArchitectureExport.make(from: summary, targets: targets, allowMissingWeights: allowMissingWeights)
        let text = format == .json ? try export.json() : try export.yaml()
        try AtomicFile.write(text, to: target)
        print(text, terminator: "")
        FileHandle.standardError.write(Data("wrote \(target.path), \(targets.retrainConfig.path) and \(targets.reproduceConfig.path)\n".utf8))
    }
}
