import Datasets
import Foundation
import Persistence

/// `rednas data inspect`: what a dataset folder or file holds, as text or JSON.
package enum DataInspection {
    /// The format names `--format` accepts.
    package static var formatNames: [String] { DatasetFormat.allCases.map(\.rawValue) }

    /// Loads the dataset at `path` (format detected unless named; CIFAR-100 fine or coarse labels).
    /// - Throws: the reader's error, naming the file and what is wrong.
    package static func summary(of path: String, format: String?, coarseLabels: Bool) throws -> DatasetSummary {
        let options = DatasetLoadOptions(format: format.flatMap(DatasetFormat.init(rawValue:)),
                                         cifar100Labels: coarseLabels ? .coarse : .fine)
        return DatasetSummary(try Dataset.load(from: path, options: options), path: path)
    }

    package static func json(_ s: DatasetSummary) throws -> String {
        String(decoding: try JSONStyle.document(s), as: UTF8.self)
    }

    package static func text(_ s: DatasetSummary) -> String {
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

    /// Why `train` + `test` synthetic records cannot be generated here (3,073 bytes a record, written
    /// from memory), or nil when they fit in this machine's memory.
    package static func syntheticSizeProblem(train: Int, test: Int) -> String? {
        let bytes = (Double(train) + Double(test)) * 3073
        guard bytes > Double(MemoryLimit.bytes) else { return nil }
        return "--train \(train) and --test \(test) make \(MemoryLimit.format(bytes)) of records, more than "
            + "this machine's \(MemoryLimit.format(Double(MemoryLimit.bytes))) of memory"
    }

    /// `rednas data synth`: writes a learnable synthetic dataset in CIFAR-10 binary format to `folder`.
    package static func writeSynthetic(train: Int, test: Int, classes: Int, noise: Double, seed: UInt64,
                                       to folder: String) throws {
        try SyntheticCIFAR(trainCount: train, testCount: test, classCount: classes, noise: noise, seed: seed).write(to: folder)
    }
}
