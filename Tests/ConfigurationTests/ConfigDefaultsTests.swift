import ConfigKit
import XCTest
@testable import Configuration

/// `rednas config defaults`: the whole schema, commented, and valid.
final class ConfigDefaultsTests: XCTestCase {
    func testThePrintedDefaultsLoadBackAsTheDefaultConfig() throws {
        let text = try ConfigReference.defaultsYAML()
        let loaded = try ConfigDecoder().decode(ExperimentConfig.self, yaml: text, name: "defaults")
        XCTAssertEqual(loaded, ExperimentConfig())
        // A train run reads the same text (one config language).
        XCTAssertNoThrow(try ConfigDecoder().decode(TrainRunConfig.self, yaml: text, name: "defaults"))
    }

    func testEveryKeyHasAComment() throws {
        let paths = try ConfigReference.defaultKeyPaths()
        XCTAssertGreaterThan(paths.count, 40)
        let text = try ConfigReference.defaultsYAML().split(separator: "\n").map(String.init)
        for path in paths {
            XCTAssertNotNil(ConfigReference.comments[path], "config key \(path) has no comment in ConfigReference")
            // The comment is printed on the line above the key.
            let key = String(path.split(separator: ".").last!)
            let depth = path.split(separator: ".").count - 1
            let pad = String(repeating: " ", count: 2 * depth)
            if let at = text.firstIndex(where: { $0.hasPrefix(pad + key + ":") }) {
                XCTAssertTrue(text[at - 1].hasPrefix(pad + "# "), "\(path): \(text[at - 1])")
            }
        }
        for line in text { XCTAssertLessThanOrEqual(line.count, 100, line) }
        // The optional keys appear as commented examples, which also load when uncommented (but
        // `cells_per_stage`, which replaces `cells`, and `arch`, which only `train` uses).
        for example in ConfigReference.optionalExamples {
            XCTAssertTrue(text.contains { $0.trimmingCharacters(in: .whitespaces) == "# " + example.text }, example.text)
        }
        var uncommented = try ConfigReference.defaultsYAML()
        for example in ConfigReference.optionalExamples where !example.text.hasPrefix("arch") && !example.text.hasPrefix("cells_per_stage") {
            uncommented = uncommented.replacingOccurrences(of: "# " + example.text, with: example.text)
        }
        let loaded = try ConfigDecoder().decode(ExperimentConfig.self, yaml: uncommented, name: "defaults with examples")
        XCTAssertEqual(loaded.search.budget.seconds, 3600)
        XCTAssertEqual(loaded.dataset.mean, [72.94])
        XCTAssertEqual(loaded.output.name, "my-run")
    }
}
