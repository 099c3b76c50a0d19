@testable import Persistence
import XCTest

final class JournalTests: XCTestCase {
    struct Rec: Codable, Equatable { var id: Int; var note: String }

    private func tempURL() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID())/evaluations.jsonl")
    }

    func testAppendThenLoadReturnsRecordsInOrder() throws {
        let j = Journal<Rec>(url: tempURL())
        XCTAssertEqual(try j.load().records, [])
        for i in 0..<5 { try j.append(Rec(id: i, note: "n\(i)\n\"quoted\"")) }
        let c = try j.load()
        XCTAssertEqual(c.records, (0..<5).map { Rec(id: $0, note: "n\($0)\n\"quoted\"") })
        XCTAssertNil(c.tornTail)
    }

    func testTornFinalLineIsReportedAndRepaired() throws {
        let j = Journal<Rec>(url: tempURL())
        try j.append(Rec(id: 1, note: "a")); try j.append(Rec(id: 2, note: "b"))
        let handle = try FileHandle(forWritingTo: j.url)
        handle.seekToEndOfFile(); handle.write(Data("{\"id\":3,\"no".utf8)); handle.closeFile()
        let c = try j.load()
        XCTAssertEqual(c.records.map(\.id), [1, 2])
        XCTAssertNotNil(c.tornTail)
        XCTAssertNotNil(try j.repair())
        XCTAssertNil(try j.load().tornTail)
        try j.append(Rec(id: 3, note: "c"))
        XCTAssertEqual(try j.load().records.map(\.id), [1, 2, 3])
    }

    func testCompleteButUnterminatedLastLineIsTreatedAsTorn() throws {
        let j = Journal<Rec>(url: tempURL())
        try j.append(Rec(id: 1, note: "a"))
        let handle = try FileHandle(forWritingTo: j.url)
        handle.seekToEndOfFile(); handle.write(Data("{\"id\":2,\"note\":\"b\"}".utf8)); handle.closeFile()
        XCTAssertEqual(try j.load().records.map(\.id), [1])
        XCTAssertNotNil(try j.load().tornTail)
    }

    func testDamageBeforeTheEndIsRefused() throws {
        let j = Journal<Rec>(url: tempURL())
        try j.append(Rec(id: 1, note: "a"))
        let handle = try FileHandle(forWritingTo: j.url)
        handle.seekToEndOfFile(); handle.write(Data("garbage\n".utf8)); handle.closeFile()
        try j.append(Rec(id: 3, note: "c"))
        XCTAssertThrowsError(try j.load()) { error in
            XCTAssertTrue("\(error)".contains("line 2"), "\(error)")
            XCTAssertTrue("\(error)".contains("evaluations.jsonl"))
        }
    }

    func testAtomicWriteReplacesWholeFileAndLeavesNoTemporaries() throws {
        let url = tempURL().deletingLastPathComponent().appendingPathComponent("state.json")
        try AtomicFile.write("first", to: url)
        try AtomicFile.write("second version", to: url)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "second version")
        let siblings = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        XCTAssertEqual(siblings, ["state.json"])
    }
}
