import XCTest
@testable import Redundancy

final class FeatureReductionTests: XCTestCase {
    /// n = 2, C = 3, H = 2, W = 2; value = 100·sample + 10·channel + position.
    private let shape = [2, 3, 2, 2]
    private var tensor: [Float] {
        var values: [Float] = []
        for n in 0..<2 {
            for c in 0..<3 {
                for position in 0..<4 { values.append(Float(100 * n + 10 * c + position)) }
            }
        }
        return values
    }

    func testGlobalAveragePool() throws {
        let f = try FeatureMatrix(reducing: tensor, shape: shape, by: .globalAveragePool)
        XCTAssertEqual(f.rows, 2)
        XCTAssertEqual(f.columns, 3)
        // mean of positions 0,1,2,3 is 1.5
        let expected: [[Double]] = [[1.5, 11.5, 21.5], [101.5, 111.5, 121.5]]
        for i in 0..<2 { for j in 0..<3 { XCTAssertEqual(f[i, j], expected[i][j]) } }
    }

    func testFlatten() throws {
        let f = try FeatureMatrix(reducing: tensor, shape: shape, by: .flatten)
        XCTAssertEqual(f.rows, 2)
        XCTAssertEqual(f.columns, 12)
        XCTAssertEqual(f[0, 5], 11)    // channel 1, position 1
        XCTAssertEqual(f[1, 11], 123)  // channel 2, position 3
    }

    func testRankTwoPoolingIsIdentity() throws {
        let f = try FeatureMatrix.globalAveragePooled([1, 2, 3, 4, 5, 6], shape: [3, 2])
        XCTAssertEqual((0..<3).map { f[$0, 1] }, [2, 4, 6])
    }

    func testShapeErrors() {
        XCTAssertThrowsError(try FeatureMatrix.globalAveragePooled(tensor, shape: [2, 3, 2, 3])) { error in
            XCTAssertTrue("\(error)".contains("the shape holds 36 values"), "\(error)")
        }
        XCTAssertThrowsError(try FeatureMatrix.flattened([1, 2], shape: [2]))
        XCTAssertThrowsError(try FeatureMatrix.flattened([], shape: [0, 3]))
    }
}
