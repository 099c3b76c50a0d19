import ConfigKit
import XCTest
@testable import Configuration

/// `search.parallel` and `search.generation_size`: values, defaults, and errors at file:line:key.
final class ParallelConfigTests: XCTestCase {
    private func decode(_ yaml: String, overrides: [String] = []) throws -> ExperimentConfig {
        try ConfigDecoder().decode(ExperimentConfig.self, yaml: yaml, name: "x.yaml", overrides: overrides)
    }

    private func message(_ yaml: String, _ overrides: [String] = []) -> String {
        do { _ = try decode(yaml, overrides: overrides); return "no error" } catch { return "\(error)" }
    }

    func testDefaultsAndValues() throws {
        let plain = try decode("")
        XCTAssertEqual(plain.search.parallel, .asynchronous)
        XCTAssertNil(plain.search.generations, "asynchronous by default")
        let generations = try decode("search:\n  parallel: generations\n  generation_size: 6\n")
        XCTAssertEqual(generations.search.generations, 6)
        XCTAssertEqual(try decode("search:\n  parallel: generations\n").search.generations, 8)
        XCTAssertNil(try decode("search:\n  generation_size: 6\n").search.generations, "the size alone changes nothing")
        let resolved = try generations.resolvedYAML()
        XCTAssertTrue(resolved.contains("parallel: generations") && resolved.contains("generation_size: 6"), resolved)
        XCTAssertEqual(try ConfigDecoder().decode(ExperimentConfig.self, yaml: resolved, name: "resolved"), generations)
    }

    func testErrorsNameFileLineAndKey() {
        XCTAssertEqual(message("search:\n  parallel: lockstep\n"),
                       "x.yaml:2:13: search.parallel: expected one of asynchronous | generations, found \"lockstep\"")
        XCTAssertEqual(message("search:\n  parallel: generations\n  generation_size: 0\n"),
                       "x.yaml:3:20: search.generation_size: must be at least 1, found 0")
        XCTAssertEqual(message("search:\n  scheduler:\n    kind: hyperband\n  parallel: generations\n"),
                       "x.yaml:4:13: search.parallel: generations cannot be combined with search.scheduler.kind hyperband "
                       + "(use parallel: asynchronous, or scheduler kind: none)")
        XCTAssertEqual(message("search:\n  parallel: generations\n", ["search.scheduler.kind=successive_halving"]),
                       "x.yaml:2:13: search.parallel: generations cannot be combined with search.scheduler.kind "
                       + "successive_halving (use parallel: asynchronous, or scheduler kind: none)")
    }

    /// Switching the mode changes the search: a run cannot be resumed with another mode or size.
    func testModeAndSizeCannotChangeOnResume() throws {
        let stored = try decode("search:\n  parallel: generations\n  generation_size: 4\n")
        XCTAssertEqual(try decode("search:\n  generation_size: 4\n").changesForbiddenOnResume(comparedTo: stored), ["search.parallel"])
        XCTAssertEqual(try decode("search:\n  parallel: generations\n  generation_size: 5\n").changesForbiddenOnResume(comparedTo: stored),
                       ["search.generation_size"])
    }
}
