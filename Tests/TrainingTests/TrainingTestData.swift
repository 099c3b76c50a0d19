import Foundation
import CellSpace
import Datasets
@testable import Training

/// A small synthetic CIFAR-format dataset written to disk and read back with the real reader.
enum TrainingTestData {
    static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rednas-training-tests-\(UUID())")
        _ = try! SyntheticCIFAR(trainCount: 700, testCount: 200, classCount: 4, noise: 40, seed: 9).write(to: url.path)
        return url
    }()

    static let dataset: Dataset = try! Dataset.load(from: folder.path)

    static func data(trainSubset: Int? = nil) throws -> TrainingData {
        try TrainingData.prepare(dataset, validation: .heldOut(count: 100, seed: 5),
                                 subsets: .init(train: trainSubset), augmentation: .standard, seed: 3)
    }

    static let spec = try! NetworkSpec(channels: 4, cellsPerStage: [1, 1, 1], classes: 4, inputChannels: 3, inputSize: 32)

    static func temporaryDirectory(_ label: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("rednas-\(label)-\(UUID())")
    }
}
