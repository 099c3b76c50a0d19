import XCTest
import CellSpace

final class CellTests: XCTestCase {
    func testOperationsInCanonicalOrderWithBenchmarkNames() {
        XCTAssertEqual(Operation.allCases.map(\.rawValue),
                       ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"])
        XCTAssertEqual(Operation.allCases.map(\.canonicalPosition), [0, 1, 2, 3, 4])
        XCTAssertEqual(Operation.allCases.map(\.convolutionKernelSize), [nil, nil, 1, 3, nil])
    }

    func testEdgeTableInStringOrder() {
        XCTAssertEqual(Cell.edges.map { [$0.target, $0.source] }, [[1, 0], [2, 0], [2, 1], [3, 0], [3, 1], [3, 2]])
        for (e, edge) in Cell.edges.enumerated() {
            XCTAssertEqual(Cell.edgeIndex(target: edge.target, source: edge.source), e)
        }
        XCTAssertNil(Cell.edgeIndex(target: 1, source: 1))
        XCTAssertNil(Cell.edgeIndex(target: 4, source: 0))
        XCTAssertNil(Cell.edgeIndex(target: 0, source: 0))
        XCTAssertEqual(Cell.incomingEdgeIndices(of: 1), 0..<1)
        XCTAssertEqual(Cell.incomingEdgeIndices(of: 2), 1..<3)
        XCTAssertEqual(Cell.incomingEdgeIndices(of: 3), 3..<6)
    }

    func testAccessorsByEdgeAndByNodes() throws {
        let cell = try Cell(index: 123)  // |avg~0|+|avg~0|c1~1|+|none~0|avg~1|c3~2|
        XCTAssertEqual(cell[target: 2, source: 1], .conv1x1)
        XCTAssertEqual(cell[target: 3, source: 0], .none)
        XCTAssertEqual(cell[target: 3, source: 2], .conv3x3)
        XCTAssertEqual(cell[edge: 4], .avgPool3x3)
        XCTAssertEqual(cell.operationCounts, [.none: 1, .skipConnect: 0, .conv1x1: 1, .conv3x3: 1, .avgPool3x3: 3])
        var copy = cell
        copy[target: 3, source: 0] = .skipConnect
        XCTAssertEqual(copy[edge: 3], .skipConnect)
        XCTAssertNotEqual(copy, cell)
    }

    /// Oracle: spec §2 counts (6,466 isomorphism classes, 15,284 valid cells).
    func testCanonicalClassesAndValidityCounts() {
        let cells = Cell.allInIndexOrder
        XCTAssertEqual(Set(cells.map(\.canonicalString)).count, 6_466)
        XCTAssertEqual(cells.filter(\.isValid).count, 15_284)
    }

    func testCanonicalStringFollowsTheRulesExactly() throws {
        XCTAssertEqual(try Cell(index: 1651).canonicalString, "#+#+#")
        XCTAssertEqual(try Cell(index: 1835).canonicalString, "0+0+0+0")
        // Node 1 is exactly "#", so every term reading it is "#"; node 2 = "#+(0)@..." is not.
        let a = try Cell(architectureString: "|none~0|+|nor_conv_1x1~0|skip_connect~1|+|none~0|skip_connect~1|avg_pool_3x3~2|")
        XCTAssertEqual(a.canonicalString, "#+#+(#+(0)@nor_conv_1x1)@avg_pool_3x3")
        // Isomorphic: which of two parallel branches carries which conv does not matter.
        let b = try Cell(architectureString: "|nor_conv_1x1~0|+|none~0|none~1|+|nor_conv_3x3~0|skip_connect~1|none~2|")
        let c = try Cell(architectureString: "|nor_conv_3x3~0|+|none~0|none~1|+|nor_conv_1x1~0|skip_connect~1|none~2|")
        XCTAssertEqual(b.canonicalString, "#+(0)@nor_conv_1x1+(0)@nor_conv_3x3")
        XCTAssertEqual(b.canonicalString, c.canonicalString)
        // Isomorphic: an edge leaving a node that is exactly "#" is dead whatever its op.
        let d = try Cell(architectureString: "|none~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|none~1|skip_connect~2|")
        let e = try Cell(architectureString: "|none~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|none~0|none~1|skip_connect~2|")
        XCTAssertEqual(d.canonicalString, "#+#+#+(0)@nor_conv_3x3")
        XCTAssertEqual(d.canonicalString, e.canonicalString)
        // Not isomorphic under the benchmark's rule: "#+(0)@..." is not exactly "#".
        let f = try Cell(architectureString: "|nor_conv_3x3~0|+|nor_conv_1x1~0|none~1|+|none~0|skip_connect~1|skip_connect~2|")
        let g = try Cell(architectureString: "|nor_conv_1x1~0|+|nor_conv_3x3~0|none~1|+|none~0|skip_connect~1|skip_connect~2|")
        XCTAssertNotEqual(f.canonicalString, g.canonicalString)
    }

    func testValidityNeedsANonNonePathToTheOutput() throws {
        XCTAssertFalse(try Cell(index: 1651).isValid)
        var cell = Cell(repeating: .none)
        cell[target: 3, source: 0] = .avgPool3x3
        XCTAssertTrue(cell.isValid)
        cell = Cell(repeating: .none)
        cell[target: 2, source: 1] = .conv3x3
        cell[target: 3, source: 2] = .conv3x3
        XCTAssertFalse(cell.isValid, "node 1 is unreachable, so 0→1→2→3 is broken")
        cell[target: 1, source: 0] = .skipConnect
        XCTAssertTrue(cell.isValid)
        cell[target: 3, source: 2] = .none
        cell[target: 3, source: 1] = .conv1x1
        XCTAssertTrue(cell.isValid)
    }
}
