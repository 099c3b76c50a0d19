import XCTest
import CellSpace
import Randomness

final class SearchSpaceTests: XCTestCase {
    /// |count − n·p| ≤ 4σ for a binomial count.
    private func assertBinomial(_ count: Int, trials n: Int, p: Double, _ what: String,
                                file: StaticString = #filePath, line: UInt = #line) {
        let sigma = (Double(n) * p * (1 - p)).squareRoot()
        XCTAssertLessThanOrEqual(abs(Double(count) - Double(n) * p), 4 * sigma,
                                 "\(what): \(count) of \(n), expected \(Double(n) * p)", file: file, line: line)
    }

    func testDefaultSpaceHasAllOperationsInCanonicalOrder() {
        XCTAssertEqual(SearchSpace.natsTopology.operations, Operation.allCases)
        XCTAssertEqual(SearchSpace.natsTopology.cellCount, 15_625)
        XCTAssertEqual(SearchSpace.nodeCount, 4)
    }

    func testOperationNamesAreStoredInCanonicalOrder() throws {
        let space = try SearchSpace(operationNames: ["nor_conv_3x3", "none", "skip_connect", "nor_conv_1x1"])
        XCTAssertEqual(space.operationNames, ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3"])
        XCTAssertEqual(space.cellCount, 4096)
        XCTAssertFalse(space.contains(try Cell(index: 0)))
        XCTAssertTrue(space.contains(try Cell(index: 1462)))
    }

    func testBadOperationListsAreClearErrors() {
        let cases: [([String], SearchSpaceError, [String])] = [
            ([], .empty, ["no operations"]),
            (["none", "conv3x3"], .unknownOperation(name: "conv3x3", position: 1), ["\"conv3x3\"", "entry 1", "nor_conv_3x3"]),
            (["none", "skip_connect", "none"], .duplicate(name: "none", position: 2), ["\"none\"", "twice", "entry 2"]),
            (["nor_conv_3x3"], .tooFewOperations(["nor_conv_3x3"]), ["at least 2"]),
        ]
        for (names, expected, phrases) in cases {
            XCTAssertThrowsError(try SearchSpace(operationNames: names)) { error in
                XCTAssertEqual(error as? SearchSpaceError, expected)
                for phrase in phrases { XCTAssertTrue("\(error)".contains(phrase), "'\(phrase)' not in \(error)") }
            }
        }
    }

    func testCodableRoundTripAndValidation() throws {
        let space = try SearchSpace(operations: [.conv3x3, .skipConnect])
        let data = try JSONEncoder().encode(space)
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "[\"skip_connect\",\"nor_conv_3x3\"]")
        XCTAssertEqual(try JSONDecoder().decode(SearchSpace.self, from: data), space)
        XCTAssertThrowsError(try JSONDecoder().decode(SearchSpace.self, from: Data("[\"max_pool\",\"none\"]".utf8)))
    }

    func testSamplingIsUniformPerEdge() {
        var generator = SeededGenerator(seed: 1)
        let n = 50_000
        var counts = Array(repeating: Array(repeating: 0, count: 5), count: 6)
        for _ in 0..<n {
            let cell = SearchSpace.natsTopology.randomCell(using: &generator)
            for e in 0..<6 { counts[e][cell[edge: e].canonicalPosition] += 1 }
        }
        for e in 0..<6 {
            for op in 0..<5 { assertBinomial(counts[e][op], trials: n, p: 0.2, "edge \(e) op \(op)") }
        }
    }

    func testSamplingIsDeterministicForASeed() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        let first = (0..<20).map { _ in SearchSpace.natsTopology.randomCell(using: &a) }
        XCTAssertEqual(first, (0..<20).map { _ in SearchSpace.natsTopology.randomCell(using: &b) })
        XCTAssertGreaterThan(Set(first).count, 15)
    }

    /// Node 1, 2, 3 uniformly then an incoming edge uniformly: P(1←0) = 1/3, P(2←j) = 1/6, P(3←j) = 1/9;
    /// the new op is uniform among the 4 others and never the old one.
    func testMutationEdgeAndOperationDistribution() {
        var generator = SeededGenerator(seed: 7)
        let space = SearchSpace.natsTopology
        let n = 90_000
        var edgeCounts = Array(repeating: 0, count: 6)
        var transitions = Array(repeating: Array(repeating: 0, count: 5), count: 5)
        for _ in 0..<n {
            let parent = space.randomCell(using: &generator)
            let mutation = space.randomMutation(of: parent, using: &generator)
            let child = mutation.applied(to: parent)
            XCTAssertEqual(mutation.oldOperation, parent[edge: mutation.edge])
            XCTAssertNotEqual(mutation.newOperation, mutation.oldOperation)
            XCTAssertEqual(zip(parent.operations, child.operations).filter { $0 != $1 }.count, 1)
            edgeCounts[mutation.edge] += 1
            transitions[mutation.oldOperation.canonicalPosition][mutation.newOperation.canonicalPosition] += 1
        }
        let third = 1.0 / 3, sixth = 1.0 / 6, ninth = 1.0 / 9
        let expected: [Double] = [third, sixth, sixth, ninth, ninth, ninth]
        for e in 0..<6 { assertBinomial(edgeCounts[e], trials: n, p: expected[e], "edge \(e)") }
        for old in 0..<5 {
            XCTAssertEqual(transitions[old][old], 0)
            let total = transitions[old].reduce(0, +)
            for new in 0..<5 where new != old {
                assertBinomial(transitions[old][new], trials: total, p: 0.25, "\(old)→\(new)")
            }
        }
    }

    func testMutatedAppliesTheSameDrawAsRandomMutation() throws {
        var a = SeededGenerator(seed: 3), b = SeededGenerator(seed: 3)
        let parent = try Cell(index: 9930)
        let mutation = SearchSpace.natsTopology.randomMutation(of: parent, using: &a)
        XCTAssertEqual(SearchSpace.natsTopology.mutated(parent, using: &b), mutation.applied(to: parent))
        XCTAssertEqual(a, b)
    }

    func testRestrictedSpaceIsHonouredBySamplingAndMutation() throws {
        let space = try SearchSpace(operationNames: ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3"])
        var generator = SeededGenerator(seed: 11)
        let n = 20_000
        var counts: [CellOperation: Int] = [:]
        for _ in 0..<n {
            let cell = space.randomCell(using: &generator)
            XCTAssertTrue(space.contains(cell))
            for op in cell.operations { counts[op, default: 0] += 1 }
            let child = space.mutated(cell, using: &generator)
            XCTAssertTrue(space.contains(child), "\(child)")
            XCTAssertNotEqual(child, cell)
        }
        XCTAssertNil(counts[.avgPool3x3])
        for op in space.operations { assertBinomial(counts[op] ?? 0, trials: 6 * n, p: 0.25, "\(op)") }

        // An edge whose op lies outside the space may become any allowed op (all 4 of them).
        let outside = Cell(repeating: .avgPool3x3)
        var seen = Set<CellOperation>()
        for _ in 0..<2_000 {
            let mutation = space.randomMutation(of: outside, using: &generator)
            XCTAssertEqual(mutation.oldOperation, .avgPool3x3)
            seen.insert(mutation.newOperation)
        }
        XCTAssertEqual(seen, Set(space.operations))

        // Two allowed ops: mutation must flip to the other one.
        let binary = try SearchSpace(operations: [.conv3x3, .skipConnect])
        for _ in 0..<500 {
            let cell = binary.randomCell(using: &generator)
            let mutation = binary.randomMutation(of: cell, using: &generator)
            XCTAssertEqual(mutation.newOperation, mutation.oldOperation == .conv3x3 ? .skipConnect : .conv3x3)
        }
    }
}
