import XCTest
import ConfigKit
@testable import Configuration

/// Every config RedNAS writes or ships is accepted by every command's config type; the sections a
/// command does not use are still checked strictly.
final class OneConfigLanguageTests: XCTestCase {
    private var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    private func written() throws -> [(String, String)] {
        var search = ExperimentConfig()
        search.search.population = 4
        search.msrs.batches = 2
        var train = TrainRunConfig()
        train.arch = "9930"
        train.training.epochs = 2
        var shipped: [(String, String)] = []
        for name in ["quickstart", "cifar10-nats12", "cifar100-nats12", "train-fashion-mnist"] {
            let path = root.appendingPathComponent("Configs/\(name).yaml").path
            shipped.append((path, try String(contentsOfFile: path, encoding: .utf8)))
        }
        return [("search config.yaml", try search.resolvedYAML()), ("train config.yaml / export.train.yaml", try train.resolvedYAML())]
            + shipped
    }

    func testEveryWrittenConfigDecodesAsEveryKind() throws {
        for (name, yaml) in try written() {
            XCTAssertNoThrow(try ConfigDecoder().decode(ExperimentConfig.self, yaml: yaml, name: name), name)
            XCTAssertNoThrow(try ConfigDecoder().decode(TrainRunConfig.self, yaml: yaml, name: name), name)
        }
        let trainFile = root.appendingPathComponent("Configs/train-fashion-mnist.yaml").path
        let asExperiment = try ExperimentConfig.load(contentsOfFile: trainFile)
        let asTrain = try TrainRunConfig.load(contentsOfFile: trainFile)
        XCTAssertEqual(asExperiment.arch, "9930")
        XCTAssertEqual(asExperiment.training, asTrain.training)
        XCTAssertEqual(asExperiment.network, asTrain.network)
        XCTAssertEqual(asTrain.experiment, asExperiment)
        // A search config's training sections are what `rednas train` reads from it.
        let quick = root.appendingPathComponent("Configs/quickstart.yaml").path
        XCTAssertEqual(try TrainRunConfig.load(contentsOfFile: quick).training, try ExperimentConfig.load(contentsOfFile: quick).training)
    }

    func testSectionsACommandIgnoresAreStillStrict() {
        func message<T: Decodable>(_ type: T.Type, _ yaml: String) -> String {
            do { _ = try ConfigDecoder().decode(type, yaml: yaml, name: "x.yaml"); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(message(TrainRunConfig.self, "search:\n  populaton: 3\n"),
                       "x.yaml:2:3: unknown key 'search.populaton' (did you mean 'population'?)")
        XCTAssertEqual(message(TrainRunConfig.self, "msrs:\n  pooling: max\n"),
                       "x.yaml:2:12: msrs.pooling: expected one of gap | flatten, found \"max\"")
        XCTAssertTrue(message(ExperimentConfig.self, "archh: '9930'\n").hasPrefix("x.yaml:1:1: unknown key 'archh' (did you mean 'arch'?)"),
                      message(ExperimentConfig.self, "archh: '9930'\n"))
        XCTAssertTrue(message(TrainRunConfig.self, "fitnes:\n  kind: pareto\n").contains("unknown key 'fitnes'"))
    }
}
