import ConfigKit
import Evolution
import XCTest
@testable import Configuration

/// `search.scheduler` and `search.budget.epochs`: values, defaults, and errors at file:line:key.
final class SchedulerConfigTests: XCTestCase {
    private var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    private func decode(_ yaml: String, overrides: [String] = []) throws -> ExperimentConfig {
        try ConfigDecoder().decode(ExperimentConfig.self, yaml: yaml, name: "x.yaml", overrides: overrides)
    }

    private func message(_ yaml: String, _ overrides: [String] = []) -> String {
        do { _ = try decode(yaml, overrides: overrides); return "no error" } catch { return "\(error)" }
    }

    func testDefaultsAndLadders() throws {
        let plain = try decode("")
        XCTAssertEqual(plain.search.scheduler, SchedulerConfig())
        XCTAssertNil(plain.search.scheduler.ladder(maxEpochs: plain.training.epochs), "no scheduler by default")
        let asha = try decode("training:\n  epochs: 12\nsearch:\n  scheduler:\n    kind: successive_halving\n    eta: 2\n"
                              + "    min_epochs: 3\n  budget:\n    epochs: 200\n")
        XCTAssertEqual(asha.search.scheduler.ladder(maxEpochs: asha.training.epochs)?.rungs, [3, 6, 12])
        XCTAssertEqual(asha.search.budget.budget, Budget(evaluations: nil, seconds: nil, epochs: 200))
        let hyperband = try decode("search:\n  scheduler:\n    kind: hyperband\n")
        XCTAssertEqual(hyperband.search.scheduler.ladder(maxEpochs: 12),
                       FidelityLadder(kind: .hyperband, minEpochs: 1, eta: 3, maxEpochs: 12))
        XCTAssertEqual(try decode(try asha.resolvedYAML()), asha, "resolved YAML round-trips")
    }

    func testShippedStudyConfigsDifferOnlyInTheScheduler() throws {
        let asha = try ExperimentConfig.load(contentsOfFile: root.appendingPathComponent("Configs/fashion-mnist-asha.yaml").path)
        var full = try ExperimentConfig.load(contentsOfFile: root.appendingPathComponent("Configs/fashion-mnist-full.yaml").path)
        XCTAssertEqual(asha.search.scheduler.ladder(maxEpochs: asha.training.epochs)?.rungs, [1, 3, 9])
        XCTAssertEqual(full.search.scheduler.kind, .none)
        full.search.scheduler = asha.search.scheduler
        XCTAssertEqual(full, asha)
    }

    func testBadSchedulerKeysAreReportedAtTheirLine() {
        XCTAssertEqual(message("search:\n  scheduler:\n    kind: asha\n"),
                       "x.yaml:3:11: search.scheduler.kind: expected one of none | successive_halving | hyperband, found \"asha\"")
        XCTAssertEqual(message("search:\n  scheduler:\n    kind: hyperband\n    eta: 1\n"),
                       "x.yaml:4:10: search.scheduler.eta: must be at least 2 (the top 1/eta of a rung is promoted), found 1")
        XCTAssertEqual(message("search:\n  scheduler:\n    min_epochs: 0\n"),
                       "x.yaml:3:17: search.scheduler.min_epochs: must be at least 1, found 0")
        XCTAssertEqual(message("training:\n  epochs: 4\nsearch:\n  scheduler:\n    kind: successive_halving\n    min_epochs: 4\n"),
                       "x.yaml:6:17: search.scheduler.min_epochs: must be below training.epochs (4, the top rung), found 4")
        XCTAssertEqual(message("search:\n  scheduler:\n    min_epoch: 2\n"),
                       "x.yaml:3:5: unknown key 'search.scheduler.min_epoch' (did you mean 'min_epochs'?)")
        XCTAssertEqual(message("search:\n  budget:\n    epochs: 0\n"),
                       "x.yaml:3:13: search.budget.epochs: must be at least 1, found 0")
        XCTAssertEqual(message("", ["search.scheduler.eta=0"]),
                       "--set search.scheduler.eta=0: search.scheduler.eta: must be at least 2 (the top 1/eta of a rung is promoted), found 0")
    }
}
