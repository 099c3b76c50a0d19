import XCTest
import CellSpace
import Persistence  // SHA256, for the spec's digest of the index table

/// Oracle: the benchmark's own numbering (spec §2 table and digest).
final class BenchmarkIndexTests: XCTestCase {
    static let checkTable: [(Int, String)] = [
        (0, "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"),
        (9, "|avg_pool_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|"),
        (123, "|avg_pool_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|nor_conv_3x3~2|"),
        (1462, Cell(repeating: .conv3x3).architectureString),
        (1651, "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"),
        (1835, "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|"),
        (4317, "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|"),
        (9930, "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"),
        (15624, "|nor_conv_1x1~0|+|none~0|nor_conv_1x1~1|+|none~0|nor_conv_1x1~1|nor_conv_1x1~2|"),
    ]

    func testAllConv3x3StringIsTheLiteral() {
        XCTAssertEqual(Cell(repeating: .conv3x3).architectureString,
                       "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|")
    }

    func testCheckTableBothWays() throws {
        for (index, string) in Self.checkTable {
            XCTAssertEqual(try Cell(index: index).architectureString, string, "index \(index)")
            XCTAssertEqual(try Cell(architectureString: string).index, index, string)
        }
    }

    func testDigestOfAllStringsInIndexOrder() {
        let joined = Cell.allInIndexOrder.map(\.architectureString).joined(separator: "\n")
        XCTAssertEqual(SHA256.hexDigest(Array(joined.utf8)),
                       "83abc799e45cf34e9d2163654668ab998b9a54d01c39e72ca1f71f2cdf356d84")
    }

    func testIndexIsABijectionAndStringsRoundTrip() throws {
        let cells = Cell.allInIndexOrder
        XCTAssertEqual(cells.count, 15_625)
        XCTAssertEqual(Set(cells).count, 15_625)
        for (index, cell) in cells.enumerated() {
            XCTAssertEqual(cell.index, index)
            let parsed = try Cell(architectureString: cell.architectureString)
            XCTAssertEqual(parsed, cell)
            XCTAssertEqual(parsed.architectureString, cell.architectureString)
        }
    }

    func testLexicographicRankIsItertoolsProductOrder() {
        XCTAssertEqual(Cell(lexicographicRank: 0), Cell(repeating: .none))
        XCTAssertEqual(Cell(lexicographicRank: 1).operations, [.none, .none, .none, .none, .none, .skipConnect])
        XCTAssertEqual(Cell(lexicographicRank: 5).operations, [.none, .none, .none, .none, .skipConnect, .none])
        XCTAssertEqual(Cell(lexicographicRank: 15_624), Cell(repeating: .avgPool3x3))
        XCTAssertEqual(Cell(lexicographicRank: 3 * 3125).operations.first, .conv3x3)
        for rank in stride(from: 0, to: 15_625, by: 97) {
            XCTAssertEqual(Cell(lexicographicRank: rank).lexicographicRank, rank)
        }
    }

    func testOutOfRangeIndexIsAClearError() {
        for bad in [-1, 15_625, 1_000_000] {
            XCTAssertThrowsError(try Cell(index: bad)) { error in
                XCTAssertTrue("\(error)".contains("\(bad)"), "\(error)")
                XCTAssertTrue("\(error)".contains("0...15624"), "\(error)")
            }
        }
    }

    func testSpecifierAcceptsIndexOrString() throws {
        XCTAssertEqual(try Cell(specifier: "1462"), Cell(repeating: .conv3x3))
        XCTAssertEqual(try Cell(specifier: "0009"), try Cell(index: 9))
        XCTAssertEqual(try Cell(specifier: Self.checkTable[0].1), try Cell(index: 0))
        XCTAssertThrowsError(try Cell(specifier: "15625")) { XCTAssertTrue($0 is ArchitectureIndexError) }
        XCTAssertThrowsError(try Cell(specifier: "99999999999999999999999")) { error in
            XCTAssertTrue("\(error)".contains("out of range"), "\(error)")
        }
        // A signed number is an index out of range, not a malformed string (`rednas arch -1`).
        XCTAssertThrowsError(try Cell(specifier: "-3")) { error in
            XCTAssertEqual((error as? ArchitectureIndexError)?.text, "-3")
        }
        XCTAssertEqual(try Cell(specifier: "+9"), try Cell(index: 9))
        XCTAssertThrowsError(try Cell(specifier: "-")) { XCTAssertTrue($0 is ArchitectureStringError) }
    }
}
