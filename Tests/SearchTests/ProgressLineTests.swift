import XCTest
@testable import RunModel

/// The live progress line at the width of the terminal.
final class ProgressLineTests: XCTestCase {
    private let status = "#13 (14/16) index 14930 ep 2/3 step 180/235 loss 0.412 4870 img/s | best #11 valid 86.40% msrs 0.302"

    func testTheETAStaysVisibleAt80Columns() {
        var written: [String] = []
        let line = ProgressLine(mode: .live, write: { written.append($0) }, width: { 80 })
        line.update(status, tail: "ETA 3m05s", force: true)
        let drawn = try! XCTUnwrap(written.last).replacingOccurrences(of: "\r\u{1B}[2K", with: "")
        XCTAssertLessThanOrEqual(drawn.count, 79, drawn)  // the last column stays free: no wrap
        XCTAssertTrue(drawn.hasSuffix(" | ETA 3m05s"), drawn)
        XCTAssertTrue(drawn.hasPrefix("#13 (14/16) index 14930"), drawn)
        XCTAssertTrue(drawn.contains("…"), "the cut is marked: \(drawn)")
    }

    func testAWideTerminalShowsEverythingAndPlainLogsKeepTheETA() {
        XCTAssertEqual(ProgressLine.fitted(status, tail: "ETA 3m05s", width: 200), status + " | ETA 3m05s")
        XCTAssertEqual(ProgressLine.fitted("short", tail: nil, width: 80), "short")
        // A very narrow terminal still gets 20 columns, the ETA whole.
        XCTAssertEqual(ProgressLine.fitted(status, tail: "ETA 3m05s", width: 12), "#13 (14… | ETA 3m05s")
        var written: [String] = []
        let plain = ProgressLine(mode: .plain(interval: 0), write: { written.append($0) })
        plain.update(status, tail: "ETA 3m05s", force: true)
        XCTAssertEqual(written, [status + " | ETA 3m05s\n"])
    }
}
