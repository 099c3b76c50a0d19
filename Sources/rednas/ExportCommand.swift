import ArgumentParser
import Foundation
import Persistence
import RedNASCore
import Search

/// `rednas export DIR`: the best architecture of a run, with metrics, weights and a retrain command.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a run's best architecture (NATS string and index, metrics, MSRS, params, FLOPs, weights, retrain command).")

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

    func run() throws {
        let run = try database.run(directory: directory).0
        let summary = try RunSnapshot.load(run, .strict)
        for problem in summary.problems { FileHandle.standardError.write(Data("warning: \(problem)\n".utf8)) }
        let target = URL(fileURLWithPath: output ?? run.url.appendingPathComponent("export.\(format.rawValue)").path)
        let retrainConfig = target.deletingPathExtension().appendingPathExtension("train.yaml")
        let export = try ArchitectureExport.make(from: summary, retrainConfigURL: retrainConfig,
                                                 allowMissingWeights: allowMissingWeights)
        let text = format == .json ? try export.json() : try export.yaml()
        try AtomicFile.write(text, to: target)
        print(text, terminator: "")
        FileHandle.standardError.write(Data("wrote \(target.path) and \(retrainConfig.path)\n".utf8))
    }
}
