import XCTest
import ConfigKit
import Evolution
@testable import Configuration

final class ExperimentConfigTests: XCTestCase {
    private var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    private func decode(_ yaml: String, overrides: [String] = []) throws -> ExperimentConfig {
        try ConfigDecoder().decode(ExperimentConfig.self, yaml: yaml, name: "x.yaml", overrides: overrides)
    }

    func testShippedConfigsLoad() throws {
        let quick = try ExperimentConfig.load(contentsOfFile: root.appendingPathComponent("Configs/quickstart.yaml").path)
        XCTAssertEqual(quick.dataset.kind, .fashionMNIST)
        XCTAssertEqual(quick.dataset.path, "/usr/share/datasets/fashion-mnist")
        XCTAssertEqual(quick.network.channels, 8)
        XCTAssertEqual(quick.fitness.kind, .penalty)

        let c10 = try ExperimentConfig.load(contentsOfFile: root.appendingPathComponent("Configs/cifar10-nats12.yaml").path)
        XCTAssertEqual(c10.dataset.split, .benchmark)
        XCTAssertEqual(c10.training, TrainingConfig(), "the defaults are the 12-epoch protocol")
        XCTAssertEqual(c10.search.evolutionAlgorithm, .regularizedEvolution(populationSize: 10, sampleSize: 3))
        XCTAssertEqual(c10.fitness.fitness, Fitness(kind: .penalty, lambda: 10, bound: 0.5, epsilon: 0.5))

        let c100 = try ExperimentConfig.load(contentsOfFile: root.appendingPathComponent("Configs/cifar100-nats12.yaml").path)
        XCTAssertEqual(c100.dataset.kind, .cifar100)
        XCTAssertEqual(c100.dataset.split, .holdout)

        let train = try TrainRunConfig.load(contentsOfFile: root.appendingPathComponent("Configs/train-fashion-mnist.yaml").path)
        XCTAssertEqual(train.arch, "9930")
        XCTAssertEqual(train.network.stageCells, [1, 1, 1])
        XCTAssertEqual(train.training.epochs, 5)

        for config in [quick, c10, c100] {
            XCTAssertEqual(try decode(try config.resolvedYAML()), config, "resolved YAML round-trips")
        }
        XCTAssertEqual(try ConfigDecoder().decode(TrainRunConfig.self, yaml: try train.resolvedYAML(), name: "t"), train)
    }

    func testKindDependentDefaults() throws {
        let cifar = try decode("dataset:\n  kind: cifar10\n")
        XCTAssertEqual(cifar.dataset.split, .benchmark)
        XCTAssertTrue(cifar.dataset.flip)
        XCTAssertEqual(cifar.dataset.path, "/usr/share/datasets/cifar-10-batches-bin")
        let fashion = try decode("")
        XCTAssertEqual(fashion, ExperimentConfig())
        XCTAssertFalse(fashion.dataset.flip)
        XCTAssertEqual(fashion.dataset.split, .holdout)
        XCTAssertEqual(fashion.dataset.cropPadding, 4)
        XCTAssertEqual(fashion.search.budget, BudgetConfig(evaluations: 100))
        XCTAssertEqual(fashion.msrs.split, .valid)
    }

    func testErrorsNameFileLineAndKey() {
        func message(_ yaml: String, _ overrides: [String] = []) -> String {
            do { _ = try decode(yaml, overrides: overrides); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(message("dataset:\n  kind: fashion-mnist\n  split: benchmark\n"),
                       "x.yaml:3:10: dataset.split: the benchmark split exists only for cifar10; use holdout for fashion-mnist")
        XCTAssertEqual(message("dataset:\n  kind: svhn\n"),
                       "x.yaml:2:9: dataset.kind: expected one of fashion-mnist | mnist | cifar10 | cifar100 | idx, found \"svhn\"")
        XCTAssertEqual(message("dataset:\n  kind: idx\n"),
                       "x.yaml:1:1: dataset.path: give the directory of the idx files")
        XCTAssertEqual(message("dataset:\n  mean: [1, 2, 3]\n"),
                       "x.yaml:2:9: dataset.mean: needs 1 value(s) for fashion-mnist, found 3")
        XCTAssertEqual(message("network:\n  cells_per_stage: [1, 0, 2]\n"),
                       "x.yaml:2:24: network.cells_per_stage[1]: must be between 1 and 1000, found 0")
        XCTAssertEqual(message("fitness:\n  kind: pareto\n  bound: 1.5\n"),
                       "x.yaml:3:10: fitness.bound: must be in [0, 1] (normalised MSRS), found 1.5")
        XCTAssertEqual(message("seed: -1\n"), "x.yaml:1:7: seed: must be ≥ 0, found -1")
        XCTAssertEqual(message("training:\n  epoch: 3\n"),
                       "x.yaml:2:3: unknown key 'training.epoch' (did you mean 'epochs'?)")
        XCTAssertEqual(message("", ["search.budget.seconds=-5"]),
                       "--set search.budget.seconds=-5: search.budget.seconds: must be > 0, found -5.0")
        XCTAssertEqual(message("", ["msrs.pooling=max"]),
                       "--set msrs.pooling=max: msrs.pooling: expected one of gap | flatten, found \"max\"")
    }

    func testResumeAllowsOnlyBudgetChanges() throws {
        let stored = try decode("search:\n  budget:\n    evaluations: 20\n")
        XCTAssertEqual(try decode("", overrides: ["search.budget.evaluations=40"]).changesForbiddenOnResume(comparedTo: stored), [])
        XCTAssertEqual(try decode("", overrides: ["search.budget.evaluations=40", "search.population=12", "seed=3"])
            .changesForbiddenOnResume(comparedTo: stored), ["search.population", "seed"])
    }
}

