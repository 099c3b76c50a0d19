import ArgumentParser
import Foundation
import RedNASCore

/// `rednas data inspect PATH`: counts, classes, shape and channel statistics of a dataset.
struct DataInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Read a dataset and report its parts, classes, image shape and channel statistics."
    )

    @Argument(help: "Dataset folder (or a single .bin / IDX file).")
    var path: String

    @Option(help: "Format: cifar10, cifar100 or idx (detected from the files when omitted).")
    var format: String?

    @Flag(help: "CIFAR-100: use the 20 coarse labels instead of the 100 fine ones.")
    var coarse = false

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        if let format, !DataInspection.formatNames.contains(format) {
            throw ValidationError("unknown --format '\(format)'; use one of: "
                + DataInspection.formatNames.joined(separator: ", "))
        }
    }

    func run() throws {
        let summary = try DataInspection.summary(of: path, format: format, coarseLabels: coarse)
        print(json ? try DataInspection.json(summary) : DataInspection.text(summary))
    }
}
