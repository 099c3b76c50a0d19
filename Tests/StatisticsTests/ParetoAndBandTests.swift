import XCTest
@testable import Statistics

final class ParetoAndBandTests: XCTestCase {
    /// Points (accuracy, −MSRS): (90, −0.5) and (85, −0.2) trade off; (84, −0.3) is dominated by
    /// (85, −0.2); a duplicate of an optimal point is optimal too; NaN is never optimal.
    func testNonDominatedByDefinition() {
        let points: [[Double]] = [[90, -0.5], [85, -0.2], [84, -0.3], [90, -0.5], [.nan, 0]]
        XCTAssertEqual(ParetoOptimality.nonDominated(points), [true, true, false, true, false])
    }

    func testStepSamplingAndPointwiseBand() {
        let sampled = Band.sampleSteps(steps: [1, 3], values: [10, 20], at: [0, 1, 2, 3, 4])
        XCTAssertEqual(sampled, [nil, 10, 10, 20, 20])
        let band = Band(x: [0, 1, 2], curves: [[nil, 1, 3], [nil, 3, nil]])
        XCTAssertEqual(band.mean, [nil, 2, 3])
        XCTAssertEqual(band.lower, [nil, 1, 3])
        XCTAssertEqual(band.upper, [nil, 3, 3])
        XCTAssertEqual(band.count, [0, 2, 1])
    }
}
