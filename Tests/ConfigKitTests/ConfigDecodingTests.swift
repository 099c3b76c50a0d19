import XCTest
@testable import ConfigKit

final class ConfigDecodingTests: XCTestCase {
    private let good = """
        name: trial
        seed: 7
        search:
          population: 20
          sample_size: 5
          budget:
            seconds: 3600
          pooling: flatten
          rate: 5e-4
          stages: [1, 2, 3]
        """

    func testDecodesGivenValuesAndFillsDefaults() throws {
        let config = try ConfigDecoder().decode(Experiment.self, yaml: good, name: "good.yaml")
        XCTAssertEqual(config.name, "trial")
        XCTAssertEqual(config.seed, 7)
        XCTAssertEqual(config.search.population, 20)
        XCTAssertEqual(config.search.sampleSize, 5)
        XCTAssertEqual(config.search.budget.seconds, 3600)
        XCTAssertNil(config.search.budget.evaluations, "a budget section given replaces the default budget")
        XCTAssertEqual(config.search.pooling, .flatten)
        XCTAssertEqual(config.search.rate, 5e-4)
        XCTAssertEqual(config.search.stages, [1, 2, 3])
        XCTAssertEqual(config.search.cache, true, "default")

        let empty = try ConfigDecoder().decode(Experiment.self, yaml: "", name: "empty.yaml")
        XCTAssertEqual(empty, Experiment())
        let emptySection = try ConfigDecoder().decode(Experiment.self, yaml: "search:\n", name: "e.yaml")
        XCTAssertEqual(emptySection, Experiment())
    }

    func testOverridesApplyBeforeDecoding() throws {
        let config = try ConfigDecoder().decode(Experiment.self, yaml: good, name: "good.yaml", overrides: [
            "search.population=30", "search.budget={evaluations: 50}", "search.stages=[4,4,4]",
            "name=renamed", "search.stages[1]=9", "search.cache=false",
        ])
        XCTAssertEqual(config.search.population, 30)
        XCTAssertEqual(config.search.budget, try ConfigDecoder().decode(Budget.self, yaml: "evaluations: 50", name: "b"))
        XCTAssertEqual(config.search.stages, [4, 9, 4])
        XCTAssertEqual(config.name, "renamed")
        XCTAssertEqual(config.search.cache, false)
        // Keys absent from the file are created.
        let created = try ConfigDecoder().decode(Experiment.self, yaml: "seed: 1", name: "s.yaml",
                                                 overrides: ["search.sample_size=2"])
        XCTAssertEqual(created.search.sampleSize, 2)
    }

    func testResolvedConfigRoundTrips() throws {
        let config = try ConfigDecoder().decode(Experiment.self, yaml: good, name: "good.yaml")
        let text = try ResolvedConfig.yaml(config)
        XCTAssertTrue(text.contains("sample_size: 5"), text)
        XCTAssertTrue(text.contains("cache: true"), "defaults are written out:\n\(text)")
        let again = try ConfigDecoder().decode(Experiment.self, yaml: text, name: "resolved.yaml")
        XCTAssertEqual(again, config)
        XCTAssertEqual(try ResolvedConfig.yaml(again), text)
    }

    func testResolvedConfigIsExactAndReadable() throws {
        for name in ["9930", "true", "", " padded", "null", "a: b", "plain"] {
            for rate in [0.1 + 0.2, 5e-4, 1e-300, 123456789.125, -0.0] {
                var config = Experiment()
                config.name = name
                config.search.rate = rate
                config.search.budget.seconds = 1 / 3
                let text = try ResolvedConfig.yaml(config)
                XCTAssertEqual(try ConfigDecoder().decode(Experiment.self, yaml: text, name: "r.yaml"), config, text)
            }
        }
        var config = Experiment()
        config.search.rate = 5e-4
        let text = try ResolvedConfig.yaml(config)
        XCTAssertTrue(text.contains("rate: 0.0005\n"), text)
        XCTAssertTrue(text.contains("name: default\n"), text)
        XCTAssertTrue(text.hasPrefix("name: default\nseed: 0\nsearch:\n  population: 10\n"), "declaration order:\n\(text)")
    }

    func testDiffListsChangedKeys() throws {
        let a = try ConfigDecoder().decode(Experiment.self, yaml: good, name: "a.yaml")
        var b = a
        b.search.budget.seconds = 7200
        b.search.stages = [1, 5, 3]
        b.search.budget.evaluations = 40
        b.seed = 8
        let differences = try ResolvedConfig.differingKeyPaths(a, b)
        XCTAssertEqual(differences, ["search.budget.evaluations", "search.budget.seconds", "search.stages[1]", "seed"])
        XCTAssertEqual(ResolvedConfig.disallowed(differences, allowing: ["search.budget"]), ["search.stages[1]", "seed"])
        XCTAssertEqual(try ResolvedConfig.differingKeyPaths(a, a), [])
        // A stored file read back compares equal to the value it was written from.
        let stored = try ConfigDocument(yaml: try ResolvedConfig.yaml(a), name: "config.yaml")
        XCTAssertEqual(ResolvedConfig.differingKeyPaths(stored.root, try ResolvedConfig.node(a)), [])
        b = a
        b.search.stages = [1, 2]
        XCTAssertEqual(try ResolvedConfig.differingKeyPaths(a, b), ["search.stages"])
    }

    func testLoadsFromFileAndNamesItInErrors() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("configkit-\(UUID().uuidString).yaml")
        try "seed: 3\nsearch:\n  popullation: 4\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertThrowsError(try ConfigDecoder().decode(Experiment.self, contentsOfFile: url.path)) { error in
            XCTAssertEqual("\(error)", "\(url.path):3:3: unknown key 'search.popullation' (did you mean 'population'?)")
        }
        XCTAssertThrowsError(try ConfigDocument(contentsOfFile: "/nonexistent/x.yaml")) { error in
            XCTAssertTrue("\(error)".hasPrefix("/nonexistent/x.yaml: cannot read"), "\(error)")
        }
    }
}
