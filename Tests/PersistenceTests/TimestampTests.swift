import Foundation
@testable import Persistence
import XCTest

final class TimestampTests: XCTestCase {
    /// The reference is Foundation's formatter with its default options (what run files held before).
    func testEqualsISO8601DateFormatter() {
        let reference = ISO8601DateFormatter()
        var generator = SystemRandomNumberGenerator()
        let fixed: [Double] = [0, 59.999, 951_782_400, 1_796_688_000.5, 4_102_444_799.9]  // 1970, leap day 2000, 2026, 2099
        for seconds in fixed + (0..<500).map({ _ in Double.random(in: 0..<4_102_444_800, using: &generator) }) {
            let date = Date(timeIntervalSince1970: seconds)
            XCTAssertEqual(Timestamp.iso8601(date), reference.string(from: date), "\(seconds)")
        }
        XCTAssertEqual(Timestamp.iso8601(Date(timeIntervalSince1970: 951_782_400)), "2000-02-29T00:00:00Z")
    }
}
