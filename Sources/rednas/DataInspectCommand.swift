import ArgumentParser
import Datasets
import Foundation

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
        if let format, DatasetFormat(rawValue: format) == nil {
            throw ValidationError("unknown --format '\(format)'; use one of: "
                + DatasetFormat.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    func run() throws {
        let options = DatasetLoadOptions(format: format.flatMap(DatasetFormat.init(rawValue:)),
                                         cifar100Labels: coarse ? .coarse : .fine)
        let dataset = try Dataset.load(from: path, options: options)
        let summary = DatasetSummary(dataset, path: path)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(Self.text(summary))
        }
    }

    static func text(_ s: DatasetSummary) -> String {
        func list(_ values: [Double], _ digits: Int) -> String {
            "[" + values.map { String(format: "%.\(digits)f", $0) }.joined(separator: ", ") + "]"
        }
        var lines = [
            "\(s.name) (\(s.format.rawValue)) at \(s.path)",
            "shape [C,H,W]: [\(s.shape.map(String.init).joined(separator: ","))]",
            "train: \(s.trainCount) images   test: \(s.testCount) images",
        ]
        if let split = s.benchmarkSplit {
            lines.append("benchmark split of train (NATS-Bench, seed 1021): train \(split.train) / valid \(split.valid)")
        }
        lines.append("channel mean (0-255): \(list(s.mean255, 3))  std: \(list(s.std255, 3))")
        lines.append("channel mean (0-1):   \(list(s.mean01, 5))  std: \(list(s.std01, 5))")
        lines.append("classes: \(s.classCount)")
        let width = max(4, s.classes.map(\.name.count).max() ?? 0)
        for c in s.classes {
            let name = c.name.padding(toLength: width, withPad: " ", startingAt: 0)
            lines.append(String(format: "  %3d  %@  train %6d  test %6d", c.index, name, c.train, c.test))
        }
        return lines.joined(separator: "\n")
    }
}
