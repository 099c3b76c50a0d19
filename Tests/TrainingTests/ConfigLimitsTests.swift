import CellSpace
import ConfigKit
import Datasets
import XCTest
@testable import Configuration
@testable import Training

/// Config values that are well-formed but conflict, are null, or ask for more than the data or
/// the machine holds (issue 21): each an error naming the key.
final class ConfigLimitsTests: XCTestCase {
    private func message(_ yaml: String, _ overrides: [String] = []) -> String {
        do {
            _ = try ConfigDecoder().decode(ExperimentConfig.self, yaml: yaml, name: "x.yaml", overrides: overrides)
            return "no error"
        } catch { return "\(error)" }
    }

    func testCellsAndCellsPerStageTogetherAreRefusedAndTheResolvedConfigKeepsOne() throws {
        XCTAssertEqual(message("network:\n  cells: 2\n  cells_per_stage: [1, 2, 1]\n"),
                       "x.yaml:3:20: network.cells_per_stage: give either cells (N for every stage) or cells_per_stage ([n1, n2, n3]), not both")
        var config = ExperimentConfig()
        config.network.cellsPerStage = [1, 2, 1]
        let yaml = try config.resolvedYAML()
        XCTAssertFalse(yaml.contains("cells: "), yaml)
        XCTAssertEqual(try ConfigDecoder().decode(ExperimentConfig.self, yaml: yaml, name: "r"), config)
        XCTAssertEqual(try ConfigDecoder().decode(ExperimentConfig.self, yaml: try ExperimentConfig().resolvedYAML(), name: "r"),
                       ExperimentConfig())
    }

    func testNetworkSizesHaveUpperLimits() {
        XCTAssertEqual(message("network:\n  channels: 1000000\n"), "x.yaml:2:13: network.channels: must be between 1 and 4096, found 1000000")
        XCTAssertEqual(message("", ["network.cells=1000000000"]),
                       "--set network.cells=1000000000: network.cells: must be between 1 and 1000, found 1000000000")
    }

    func testNullValuesAreErrors() {
        XCTAssertEqual(message("training:\n  epochs: ~\n"),
                       "x.yaml:2:11: training.epochs: no value given (null); write an integer, or leave the key out to use its default")
        XCTAssertEqual(message("output:\n  name:\n"),
                       "x.yaml:2:8: output.name: no value given (null); write a string, or leave the key out to use its default")
        // An empty section still means "all defaults".
        XCTAssertEqual(message("training:\n"), "no error")
    }

    private func dataset(train: Int, test: Int) -> Dataset {
        let shape = ImageShape(channels: 1, height: 4, width: 4)
        func part(_ n: Int) -> ImageSet {
            ImageSet(shape: shape, pixels: [UInt8](repeating: 0, count: n * 16), labels: (0..<n).map { Int32($0 % 2) })
        }
        return Dataset(name: "t", format: .idx, train: part(train), test: part(test), classCount: 2, classNames: ["a", "b"])
    }

    func testSplitAndSubsetSizesAreCheckedAgainstTheData() throws {
        let data = dataset(train: 100, test: 20)
        func check(_ configure: (inout DatasetConfig) -> Void) -> String {
            var d = DatasetConfig(kind: .idx)
            d.path = "/data"
            configure(&d)
            do { try d.check(against: data); return "ok" } catch { return "\(error)" }
        }
        XCTAssertEqual(check { _ in }, "ok")
        XCTAssertEqual(check { $0.validCount = 100 },
                       "dataset.valid_count: 100 leaves no training images: the training part of /data holds 100; hold out at most 99")
        XCTAssertEqual(check { $0.validFraction = 0.001 },
                       "dataset.valid_fraction: 0.001 of the 100 training images of /data holds out 0; train and valid each need at least one image")
        XCTAssertEqual(check { $0.trainSubset = 91 },
                       "dataset.train_subset: 91 is more than the 90 training images left after holding out 10 for valid; use at most 90 (0 = all)")
        XCTAssertEqual(check { $0.trainSubset = 90; $0.validSubset = 10; $0.testSubset = 20 }, "ok")
        XCTAssertEqual(check { $0.validCount = 30; $0.validSubset = 31 },
                       "dataset.valid_subset: 31 is more than the 30 valid images; use at most 30 (0 = all)")
        XCTAssertEqual(check { $0.cropPadding = 5 },
                       "dataset.crop_padding: 5 is more than the images' 4 pixels (a crop shifted that far holds only padding); use at most 4")
        XCTAssertEqual(check { $0.testSubset = 21 },
                       "dataset.test_subset: 21 is more than the 20 test images in /data; use at most 20 (0 = all)")
    }

    /// CIFAR-10 with fewer than 50,000 training images cannot use the benchmark split (the default
    /// for cifar10): the error names the key and suggests the hold-out split.
    func testTheBenchmarkSplitOnFewerImagesSuggestsHoldout() throws {
        var d = DatasetConfig(kind: .cifar10)
        d.path = "/data/cifar"
        XCTAssertEqual(d.split, .benchmark)
        do {
            try d.check(against: dataset(train: 5_000, test: 20))
            XCTFail("accepted")
        } catch {
            XCTAssertEqual("\(error)", "dataset.split: benchmark (the NATS-Bench 25k/25k CIFAR-10 split) needs the 50,000 CIFAR-10 "
                + "training images; /data/cifar holds 5000. Set dataset.split: holdout to hold out valid_fraction (or valid_count) "
                + "of these images for validation instead")
        }
        d.split = .holdout
        XCTAssertNoThrow(try d.check(against: dataset(train: 5_000, test: 20)))
    }

    func testMemoryCheckNamesTheEstimateAndTheLimit() throws {
        let spec = try NetworkSpec(channels: 8, cells: 1, classes: 10, inputChannels: 1, inputSize: 28)
        XCTAssertNoThrow(try spec.checkMemory(batchSize: 256, dataBytes: 1 << 20, limit: 4e9))
        XCTAssertThrowsError(try spec.checkMemory(batchSize: 256, dataBytes: 1 << 20, limit: 1e6)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("network: C = 8, cells per stage [1, 1, 1], batch 256, 1×28×28 images: training needs an estimated "), text)
            XCTAssertTrue(text.hasSuffix("data 1.0 MiB), more than this machine's 976.6 KiB of memory; lower network.channels, network.cells or training.batch_size"), text)
        }
    }
}
