import XCTest
import CellSpace

final class ArchitectureStringTests: XCTestCase {
    private let valid = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"

    /// Each malformed string must be rejected with a message naming the problem and the offset.
    func testMalformedCorpus() {
        let tail = "|none~0|none~1|none~2|"
        let corpus: [(text: String, offset: Int, mentions: [String])] = [
            ("", 0, ["empty"]),
            ("|none~0|+|none~0|none~1|", 24, ["expected 3 groups", "found 2"]),
            (valid + "+|none~0|", 47, ["expected 3 groups", "found 4"]),
            ("none~0|+|none~0|none~1|+" + tail, 0, ["must start with '|'", "found 'n'", "node 1"]),
            (" " + valid, 0, ["must start with '|'", "found ' '"]),
            ("|none~0+|none~0|none~1|+" + tail, 7, ["missing '|' at the end", "node 1"]),
            (valid + "\n", 48, ["missing '|' at the end", "node 3"]),
            ("|none~0|++|none~0|none~1|+" + tail, 9, ["empty group", "node 2"]),
            ("+" + valid, 0, ["empty group", "node 1"]),
            ("|none~0|+|none~0||none~1|+" + tail, 17, ["empty term", "node 2", "term 2"]),
            ("||+|none~0|none~1|+" + tail, 1, ["empty term", "node 1"]),
            ("|none~0|+|none~0|+" + tail, 16, ["node 2 needs 2 terms", "found 1"]),
            ("|none~0|+|none~0|none~1|none~2|+" + tail, 24, ["node 2 needs 2 terms", "found 3"]),
            ("|none0|+|none~0|none~1|+" + tail, 6, ["\"none0\"", "no '~'"]),
            ("|none~~0|+|none~0|none~1|+" + tail, 6, ["more than one '~'"]),
            ("|conv~0|+|none~0|none~1|+" + tail, 1, ["unknown operation \"conv\"", "nor_conv_3x3"]),
            ("|None~0|+|none~0|none~1|+" + tail, 1, ["unknown operation \"None\""]),
            ("|none~0|+|none~0|nor_conv_5x5~1|+" + tail, 17, ["unknown operation \"nor_conv_5x5\"", "edge 2←1"]),
            ("|none~a|+|none~0|none~1|+" + tail, 6, ["\"a\"", "not a non-negative integer"]),
            ("|none~-1|+|none~0|none~1|+" + tail, 6, ["\"-1\"", "not a non-negative integer"]),
            ("|none~ 0|+|none~0|none~1|+" + tail, 6, ["\" 0\""]),
            ("|none~|+|none~0|none~1|+" + tail, 6, ["\"\"", "not a non-negative integer"]),
            ("|none~1|+|none~0|none~1|+" + tail, 6, ["wrong source index ~1", "expected ~0"]),
            ("|none~0|+|none~1|none~0|+" + tail, 15, ["wrong source index ~1", "expected ~0", "edge 2←0"]),
            ("|none~0|+|none~0|none~1|+|none~0|none~2|none~1|", 38, ["wrong source index ~2", "expected ~1"]),
        ]
        for entry in corpus {
            XCTAssertThrowsError(try Cell(architectureString: entry.text), entry.text) { error in
                guard let error = error as? ArchitectureStringError else {
                    return XCTFail("wrong error type \(type(of: error)) for \(entry.text)")
                }
                XCTAssertEqual(error.offset, entry.offset, "offset for \(entry.text.debugDescription): \(error)")
                XCTAssertTrue(error.description.contains("at offset \(entry.offset)"), error.description)
                for phrase in entry.mentions {
                    XCTAssertTrue(error.description.contains(phrase), "'\(phrase)' missing from: \(error)")
                }
                XCTAssertEqual(error.errorDescription, error.description)
            }
        }
    }

    func testMessageShowsTheStringWithACaretUnderTheProblem() throws {
        let text = "|none~0|+|none~0|bad~1|+|none~0|none~1|none~2|"
        XCTAssertThrowsError(try Cell(architectureString: text)) { error in
            let lines = "\(error)".split(separator: "\n", omittingEmptySubsequences: false)
            XCTAssertEqual(lines.count, 3)
            XCTAssertEqual(lines[1], "  " + Substring(text))
            XCTAssertEqual(lines[2], "  " + String(repeating: " ", count: 17) + "^")
        }
    }

    func testFormattingMatchesTheBenchmarkLayout() {
        var cell = Cell(repeating: .none)
        cell[target: 1, source: 0] = .conv3x3
        cell[target: 2, source: 1] = .skipConnect
        cell[target: 3, source: 2] = .avgPool3x3
        cell[target: 3, source: 0] = .conv1x1
        XCTAssertEqual(cell.architectureString,
                       "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|nor_conv_1x1~0|none~1|avg_pool_3x3~2|")
        XCTAssertEqual("\(cell)", cell.architectureString)
    }

    func testCodableUsesTheStringAndValidates() throws {
        let cell = try Cell(index: 9930)
        let data = try JSONEncoder().encode([cell])
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "[\"\(cell.architectureString)\"]")
        XCTAssertEqual(try JSONDecoder().decode([Cell].self, from: data), [cell])
        let bad = Data("[\"|none~0|+|none~0|\"]".utf8)
        XCTAssertThrowsError(try JSONDecoder().decode([Cell].self, from: bad)) { error in
            guard case DecodingError.dataCorrupted(let context) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(context.debugDescription.contains("expected 3 groups"), context.debugDescription)
        }
    }
}
