import XCTest
@testable import Redundancy

final class SimilarityPruningTests: XCTestCase {
    /// Spec §5: the authors' ResNet-56 adjacent CKA values.
    private let resnet56: [Double] = [
        0.8040034, 0.9623917, 0.9816055, 0.9818996, 0.9646843, 0.9950012, 0.96210957, 0.95488405, 0.9958612,
        0.9714489, 0.99030924, 0.9881511, 0.99465436, 0.99431086, 0.9923767, 0.9919683, 0.9893893, 0.9911849,
        0.9701058, 0.9823101, 0.9843625, 0.98163974, 0.966809, 0.93328685, 0.9032259, 0.8794835, 0.8777317,
    ]

    func testResNet56CheckVector() throws {
        let selection = try SimilarityPruning.select(adjacentSimilarities: resnet56, keep: 13)
        XCTAssertEqual(selection.kept, [0, 1, 2, 4, 6, 7, 9, 18, 22, 23, 24, 25, 26])
        XCTAssertEqual(selection.removed, [3, 5, 8, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21])
    }

    func testTiesKeepLowerIndexFirst() throws {
        let s = [0.5, 0.9, 0.5, 0.5, 0.1]
        XCTAssertEqual(try SimilarityPruning.select(adjacentSimilarities: s, keep: 2).kept, [0, 4])
        XCTAssertEqual(try SimilarityPruning.select(adjacentSimilarities: s, keep: 3).kept, [0, 2, 4])
        XCTAssertEqual(try SimilarityPruning.select(adjacentSimilarities: s, keep: 0),
                       PruningSelection(kept: [], removed: [0, 1, 2, 3, 4]))
        XCTAssertEqual(try SimilarityPruning.select(adjacentSimilarities: s, keep: 5).removed, [])
    }

    func testInvalidRequestsAreErrors() {
        XCTAssertThrowsError(try SimilarityPruning.select(adjacentSimilarities: [0.1, 0.2], keep: 3)) {
            XCTAssertEqual($0 as? RedundancyError, .invalidKeepCount(keep: 3, unitCount: 2))
            XCTAssertTrue("\($0)".contains("cannot keep 3 of 2 units"))
        }
        XCTAssertThrowsError(try SimilarityPruning.select(adjacentSimilarities: [0.1, 0.2], keep: -1))
        XCTAssertThrowsError(try SimilarityPruning.select(adjacentSimilarities: [0.1, .nan], keep: 1)) {
            XCTAssertEqual(($0 as? RedundancyError).map { "\($0)" }, "adjacent similarity at index 1 is nan; pruning needs finite similarities")
        }
        XCTAssertThrowsError(try SimilarityPruning.select(adjacentSimilarities: [0.1], keepRatio: 0))
        XCTAssertThrowsError(try SimilarityPruning.select(adjacentSimilarities: [0.1], keepRatio: 1.5))
    }

    func testKeepRatioRounding() throws {
        XCTAssertEqual(try SimilarityPruning.keepCount(ratio: 0.5, unitCount: 27), 14)   // 13.5 rounds up
        XCTAssertEqual(try SimilarityPruning.keepCount(ratio: 0.1, unitCount: 30), 3)    // 3.0000000000000004
        XCTAssertEqual(try SimilarityPruning.keepCount(ratio: 0.01, unitCount: 27), 1)   // never 0
        XCTAssertEqual(try SimilarityPruning.keepCount(ratio: 1, unitCount: 27), 27)
        XCTAssertEqual(try SimilarityPruning.select(adjacentSimilarities: resnet56, keepRatio: 13.0 / 27).kept,
                       [0, 1, 2, 4, 6, 7, 9, 18, 22, 23, 24, 25, 26])
    }
}
