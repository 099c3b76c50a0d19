import XCTest
import ConfigKit

/// A corpus of broken configurations, each with the exact error text (file, line, column, key path).
final class ConfigErrorTests: XCTestCase {
    private func error(_ yaml: String, overrides: [String] = [], file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            let value = try ConfigDecoder().decode(Experiment.self, yaml: yaml, name: "Configs/x.yaml", overrides: overrides)
            XCTFail("decoded without error: \(value)", file: file, line: line)
            return ""
        } catch let error as ConfigError {
            XCTAssertEqual(error.localizedDescription, error.description, file: file, line: line)
            return error.description
        } catch {
            XCTFail("not a ConfigError: \(error)", file: file, line: line)
            return ""
        }
    }

    func testUnknownKeyWithSuggestion() {
        XCTAssertEqual(error("seed: 1\nsearch:\n  populaton: 10\n"),
                       "Configs/x.yaml:3:3: unknown key 'search.populaton' (did you mean 'population'?)")
        XCTAssertEqual(error("seed: 1\nsearhc:\n  population: 10\n"),
                       "Configs/x.yaml:2:1: unknown key 'searhc' (did you mean 'search'?)")
        XCTAssertEqual(error("search:\n  budget:\n    evaluations: 5\n    zzz: 1\n"),
                       "Configs/x.yaml:4:5: unknown key 'search.budget.zzz' (known keys here: evaluations, seconds)")
    }

    func testWrongType() {
        XCTAssertEqual(error("search:\n  budget: {evaluations: 3}\n  population: ten\n"),
                       "Configs/x.yaml:3:15: search.population: expected an integer, found \"ten\"")
        XCTAssertEqual(error("search:\n  population: 10.5\n"),
                       "Configs/x.yaml:2:15: search.population: expected an integer, found 10.5")
        XCTAssertEqual(error("search:\n  population: \"10\"\n"),
                       "Configs/x.yaml:2:15: search.population: expected an integer, found \"10\"")
        XCTAssertEqual(error("search:\n  cache: maybe\n"),
                       "Configs/x.yaml:2:10: search.cache: expected true or false, found \"maybe\"")
        XCTAssertEqual(error("search:\n  rate: fast\n"),
                       "Configs/x.yaml:2:9: search.rate: expected a number, found \"fast\"")
        XCTAssertEqual(error("search:\n  rate: .nan\n"),
                       "Configs/x.yaml:2:9: search.rate: expected a finite number, found .nan")
        XCTAssertEqual(error("search: 12\n"),
                       "Configs/x.yaml:1:9: search: expected a mapping of keys, found 12")
        XCTAssertEqual(error("search:\n  stages: 3\n"),
                       "Configs/x.yaml:2:11: search.stages: expected a list, found 3")
        XCTAssertEqual(error("search:\n  stages: [1, x, 3]\n"),
                       "Configs/x.yaml:2:15: search.stages[1]: expected an integer, found \"x\"")
        XCTAssertEqual(error("name: [a]\n"),
                       "Configs/x.yaml:1:7: name: expected a string, found a list")
        XCTAssertEqual(error("seed: 99999999999999999999\n"),
                       "Configs/x.yaml:1:7: seed: the integer 99999999999999999999 is out of range for Int")
    }

    func testBadEnumListsAllowedValues() {
        XCTAssertEqual(error("search:\n  pooling: max\n"),
                       "Configs/x.yaml:2:12: search.pooling: expected one of gap | flatten, found \"max\"")
    }

    func testOutOfRangePointsAtTheKey() {
        XCTAssertEqual(error("search:\n  population: 0\n"),
                       "Configs/x.yaml:2:15: search.population: must be at least 1, found 0")
        XCTAssertEqual(error("search:\n  population: 4\n  sample_size: 5\n"),
                       "Configs/x.yaml:3:16: search.sample_size: must be between 1 and population (4), found 5")
        XCTAssertEqual(error("search:\n  budget:\n    evaluations: 0\n"),
                       "Configs/x.yaml:3:18: search.budget.evaluations: must be at least 1, found 0")
        // A cross-field rule with no single key points at the section.
        XCTAssertEqual(error("search:\n  budget:\n    seconds: 3\n", overrides: ["search.budget={}"]),
                       "--set search.budget={}: search.budget: give evaluations, seconds or both")
        // A default that fails against a given value: the section's line.
        XCTAssertEqual(error("search:\n  population: 2\n"),
                       "Configs/x.yaml:1:1: search.sample_size: must be between 1 and population (2), found 3")
    }

    func testNullIsNeverTakenForTheDefault() {
        XCTAssertEqual(error("search:\n  budget:\n    evaluations: ~\n"),
                       "Configs/x.yaml:3:18: search.budget.evaluations: no value given (null); write an integer, or leave the key out to use its default")
        XCTAssertEqual(error("search:\n  population:\n"),
                       "Configs/x.yaml:2:14: search.population: no value given (null); write an integer, or leave the key out to use its default")
        XCTAssertEqual(error("search:\n  pooling: null\n"),
                       "Configs/x.yaml:2:12: search.pooling: no value given (null); write one of gap | flatten, or leave the key out to use its default")
        XCTAssertEqual(error("search:\n  stages: ~\n"),
                       "Configs/x.yaml:2:11: search.stages: no value given (null); write a list, or leave the key out to use its default")
        XCTAssertEqual(error("", overrides: ["search.population=~"]),
                       "--set search.population=~: search.population: no value given (null); write an integer, or leave the key out to use its default")
        XCTAssertEqual(error("", overrides: ["search.population="]),
                       "--set search.population=: no value after '=' (write search.population=VALUE; leave the --set out to keep the config's value)")
        XCTAssertEqual(error("", overrides: ["search.population=  "]).prefix(44),
                       "--set search.population=  : no value after '")
    }

    func testListLengthLimit() {
        let long = "[" + Array(repeating: "1", count: ConfigLimits.listElements + 1).map { $0 }.joined(separator: ", ") + "]"
        XCTAssertEqual(error("search:\n  stages: \(long)\n"),
                       "Configs/x.yaml:2:11: search.stages: the list has 1001 elements; lists may hold at most 1000")
    }

    func testDuplicateKey() {
        XCTAssertEqual(error("seed: 1\nsearch:\n  population: 4\n  cache: true\n  population: 5\n"),
                       "Configs/x.yaml:3:3: duplicate key 'population' (given again at line 5)")
    }

    func testMalformedYAML() {
        let message = error("search:\n  population: 4\n   sample_size: [1, 2\n")
        XCTAssertTrue(message.hasPrefix("Configs/x.yaml:3:"), message)
        XCTAssertTrue(message.contains("malformed YAML"), message)
        let tab = error("search:\n\tpopulation: 4\n")
        XCTAssertTrue(tab.hasPrefix("Configs/x.yaml:2:"), tab)
    }

    func testBadOverrideValue() {
        XCTAssertEqual(error("search:\n  population: 4\n", overrides: ["search.population=abc"]),
                       "--set search.population=abc: search.population: expected an integer, found \"abc\"")
        XCTAssertEqual(error("", overrides: ["search.population=0"]),
                       "--set search.population=0: search.population: must be at least 1, found 0")
        XCTAssertEqual(error("", overrides: ["search.stages=[1, 2"]).prefix(49),
                       "--set search.stages=[1, 2: the value is not valid")
        XCTAssertEqual(error("", overrides: ["search.population"]),
                       "--set search.population: expected key.path=value")
        XCTAssertEqual(error("", overrides: ["search..population=3"]),
                       "--set search..population=3: 'search..population' is not a key path (expected names separated by dots, e.g. search.population)")
        XCTAssertEqual(error("seed: 3\n", overrides: ["seed.x=3"]),
                       "--set seed.x=3: seed: cannot set 'x' inside 3")
    }

    func testUnknownOverridePath() {
        XCTAssertEqual(error("search:\n  population: 4\n", overrides: ["search.populaton=5"]),
                       "--set search.populaton=5: unknown key 'search.populaton' (did you mean 'population'?)")
        XCTAssertEqual(error("", overrides: ["serch.population=5"]),
                       "--set serch.population=5: unknown key 'serch' (did you mean 'search'?)")
    }

    func testMissingRequiredKeySuggestsTypo() throws {
        struct Strict: Decodable { var alpha: Int }
        XCTAssertThrowsError(try ConfigDecoder().decode(Strict.self, yaml: "x: 1\nalpah: 2\n", name: "s.yaml")) { error in
            XCTAssertEqual("\(error)", "s.yaml:1:1: missing required key 'alpha' (is 'alpah' a misspelling of it?)")
        }
    }
}
