import XCTest
@testable import Datasets

final class SplitTests: XCTestCase {
    func testNATSBenchCIFAR10SplitCheckValues() {
        let split = DataSplit.natsBenchCIFAR10()
        XCTAssertEqual(split.train.count, 25_000)
        XCTAssertEqual(split.valid.count, 25_000)
        XCTAssertEqual([split.train[0], split.train[10], split.train[111]], [0, 26, 203])
        XCTAssertEqual([split.valid[0], split.valid[10], split.valid[111]], [1, 18, 242])
        XCTAssertEqual(Set(split.train).union(split.valid), Set(0..<50_000))
        XCTAssertEqual(split.train, split.train.sorted())
    }

    func testBenchmarkSplitRequiresFiftyThousandImages() throws {
        let part = ImageSet(shape: ImageShape(channels: 1, height: 1, width: 1), pixels: [1, 2], labels: [0, 1])
        XCTAssertThrowsError(try DataSplit.natsBenchCIFAR10(for: part))
    }

    func testSeededSplitIsReproducibleDisjointAndComplete() throws {
        let a = try DataSplit.seeded(count: 1000, validationFraction: 0.2, seed: 7)
        let b = try DataSplit.seeded(count: 1000, validationCount: 200, seed: 7)
        let c = try DataSplit.seeded(count: 1000, validationCount: 200, seed: 8)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
        XCTAssertEqual(a.valid.count, 200)
        XCTAssertEqual(a.train.count, 800)
        XCTAssertTrue(Set(a.train).isDisjoint(with: a.valid))
        XCTAssertEqual(Set(a.train).union(a.valid), Set(0..<1000))
        XCTAssertEqual(a.valid, a.valid.sorted())
        XCTAssertEqual(try DataSplit.seeded(count: 7, validationFraction: 0.5, seed: 1).valid.count, 4)
        XCTAssertThrowsError(try DataSplit.seeded(count: 10, validationCount: 11, seed: 1))
        XCTAssertThrowsError(try DataSplit.seeded(count: 10, validationFraction: 1.5, seed: 1))
    }

    func testRandomSubset() throws {
        let indices = Array(stride(from: 0, to: 2000, by: 2))
        let labels = [Int32](repeating: 0, count: 2000)
        let subset = try Subset.choose(100, from: indices, labels: labels, method: .random, seed: 3)
        XCTAssertEqual(subset.count, 100)
        XCTAssertEqual(Set(subset).count, 100)
        XCTAssertTrue(Set(subset).isSubset(of: indices))
        XCTAssertEqual(subset, subset.sorted())
        XCTAssertEqual(subset, try Subset.choose(100, from: indices, labels: labels, method: .random, seed: 3))
        XCTAssertNotEqual(subset, try Subset.choose(100, from: indices, labels: labels, method: .random, seed: 4))
        XCTAssertEqual(try Subset.choose(5000, from: indices, labels: labels, method: .random, seed: 3), indices)
    }

    func testStratifiedSubsetKeepsClassProportions() throws {
        // 600 of class 0, 300 of class 1, 100 of class 2.
        let labels = (0..<1000).map { Int32($0 < 600 ? 0 : ($0 < 900 ? 1 : 2)) }
        let subset = try Subset.choose(101, from: Array(0..<1000), labels: labels, method: .stratified, seed: 9)
        XCTAssertEqual(subset.count, 101)
        XCTAssertEqual(Set(subset).count, 101)
        let counts = [0, 1, 2].map { k in subset.filter { labels[$0] == k }.count }
        // Exact quotas 60.6, 30.3, 10.1: floors 60, 30, 10 and the one left over goes to class 0.
        XCTAssertEqual(counts, [61, 30, 10])
    }
}
