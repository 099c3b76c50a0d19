import CellSpace
import Configuration
import Datasets
import Foundation

/// A config value that is well-formed on its own but cannot work with the data or the machine
/// (a hold-out larger than the training part, a subset larger than what exists, a network that
/// cannot fit in memory). Raised before any run directory exists; `file` is the config's path
/// when the caller knows it.
package struct ConfigCheckError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// Dotted key path (`dataset.valid_count`) or section (`network`).
    package var key: String
    package var message: String
    package var file: String?

    package init(key: String, _ message: String, file: String? = nil) {
        self.key = key
        self.message = message
        self.file = file
    }

    package var description: String { (file.map { "\($0): " } ?? "") + "\(key): \(message)" }
    package var errorDescription: String? { description }
}

extension DatasetConfig {
    /// `path` must be an existing folder: a file there would otherwise be read as its parent
    /// folder, with errors about files the user never named.
    package func checkPath() throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ConfigCheckError(key: "dataset.path", "\(path) does not exist (give the folder holding the \(kind.rawValue) files)")
        }
        guard isFolder.boolValue else {
            throw ConfigCheckError(key: "dataset.path", "\(path) is a file, not a folder (give the folder holding the \(kind.rawValue) files)")
        }
    }

    /// The split and subset sizes checked against the loaded data: every part keeps at least one
    /// image, and no subset asks for more images than its part holds (it would silently be "all").
    package func check(against dataset: Dataset) throws {
        let total = dataset.train.count
        var trainCount = total, validCount = 0
        switch split {
        case .benchmark:
            guard total == 50_000 else {
                throw ConfigCheckError(key: "dataset.split", "benchmark (the NATS-Bench 25k/25k CIFAR-10 split) needs the "
                    + "50,000 CIFAR-10 training images; \(path) holds \(total). Set dataset.split: holdout to hold out "
                    + "valid_fraction (or valid_count) of these images for validation instead")
            }
            (trainCount, validCount) = (total / 2, total - total / 2)
        case .holdout:
            if self.validCount > 0 {
                validCount = self.validCount
                guard validCount < total else {
                    throw ConfigCheckError(key: "dataset.valid_count", "\(validCount) leaves no training images: the training part "
                        + "of \(path) holds \(total); hold out at most \(max(total - 1, 0))")
                }
            } else {
                validCount = Int((Double(total) * validFraction).rounded())
                guard validCount >= 1, validCount < total else {
                    throw ConfigCheckError(key: "dataset.valid_fraction", "\(validFraction) of the \(total) training images of \(path) "
                        + "holds out \(validCount); train and valid each need at least one image")
                }
            }
            trainCount = total - validCount
        }
        let parts = [("train_subset", trainSubset, trainCount, "training images left after holding out \(validCount) for valid"),
                     ("valid_subset", validSubset, validCount, "valid images"),
                     ("test_subset", testSubset, dataset.test.count, "test images in \(path)")]
        let side = max(dataset.shape.height, dataset.shape.width)
        guard cropPadding <= side else {
            throw ConfigCheckError(key: "dataset.crop_padding", "\(cropPadding) is more than the images' \(side) pixels "
                + "(a crop shifted that far holds only padding); use at most \(side)")
        }
        for (key, size, available, what) in parts where size > available {
            throw ConfigCheckError(key: "dataset.\(key)", "\(size) is more than the \(available) \(what); "
                + "use at most \(available) (0 = all)")
        }
    }
}

extension NetworkSpec {
    /// Refuses a network whose training cannot fit in the machine's physical memory, with the
    /// estimate (``NetworkSpec/trainingMemoryEstimate(batchSize:)`` plus the loaded data) and the
    /// limit, before any tensor is allocated.
    package func checkMemory(batchSize: Int, dataBytes: Int,
                            limit: Double = Double(ProcessInfo.processInfo.physicalMemory)) throws {
        let estimate = trainingMemoryEstimate(batchSize: batchSize)
        let total = estimate.totalBytes + Double(dataBytes)
        guard total > limit else { return }
        let f = MemoryLimit.format
        throw ConfigCheckError(
            key: "network",
            "C = \(channels), cells per stage \(cellsPerStage), batch \(batchSize), \(inputChannels)×\(inputSize)×\(inputSize) images: "
                + "training needs an estimated \(f(total)) (parameters \(f(estimate.parameterBytes)), activations "
                + "\(f(estimate.activationBytes)), data \(f(Double(dataBytes)))), more than this machine's \(f(limit)) of memory; "
                + "lower network.channels, network.cells or training.batch_size")
    }
}
