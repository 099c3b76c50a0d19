@testable import Persistence
import XCTest

/// The one JSON style (snake_case, `schema_version`), reading schema-1 camelCase files, and the
/// migration of a schema-1 journal.
final class JSONStyleTests: XCTestCase {
    struct Rec: Codable, Equatable { var runNumber: Int; var validAccuracy: Double; var opCounts: [String: Int] }

    private let record = Rec(runNumber: 3, validAccuracy: 71.25, opCounts: ["nor_conv_3x3": 2, "skipConnect": 1])

    func testDocumentsAreSnakeCaseWithAVersionAndBothStylesDecode() throws {
        let text = String(decoding: try JSONStyle.document(record, pretty: false), as: UTF8.self)
        // Dictionary keys are data and keep their spelling.
        XCTAssertEqual(text, #"{"op_counts":{"nor_conv_3x3":2,"skipConnect":1},"run_number":3,"schema_version":2,"valid_accuracy":71.25}"#)
        XCTAssertEqual(try JSONStyle.decoder().decode(Rec.self, from: Data(text.utf8)), record)
        let old = try JSONEncoder().encode(record)  // schema 1: the property names as they are
        XCTAssertEqual(try JSONStyle.decoder().decode(Rec.self, from: old), record)
        XCTAssertEqual(try JSONStyle.version(of: old, path: "old.json"), 1)
        XCTAssertEqual(try JSONStyle.version(of: Data(text.utf8), path: "new.json"), 2)
        XCTAssertThrowsError(try JSONStyle.version(of: Data(#"{"schema_version":9}"#.utf8), path: "future.json")) { error in
            XCTAssertTrue("\(error)".contains("future.json") && "\(error)".contains("newer"), "\(error)")
        }
    }

    /// A schema-1 journal as the previous code wrote it: camelCase record lines, each with its CRC.
    private func legacyJournal(_ records: [Rec]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("style-\(UUID())/journal.jsonl")
        var header = JournalHeader(fingerprint: "beef", bound: ["config": "a: 1\n"])
        header.schemaVersion = nil
        var text = String(decoding: try Journal<Rec>.line(header), as: UTF8.self) + "\n"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for r in records {
            let json = String(decoding: try encoder.encode(r), as: UTF8.self)
            text += json.dropLast() + ",\"crc32c\":\"\(CRC32C.hex(Array(json.utf8)))\"}\n"
        }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testMigrationRewritesVerifiedRecordsWithNewChecksumsAndABackup() throws {
        let records = (0..<3).map { Rec(runNumber: $0, validAccuracy: 50 + Double($0) / 8, opCounts: ["none": $0]) }
        let url = try legacyJournal(records)
        let original = try Data(contentsOf: url)
        let journal = Journal<Rec>(url: url)
        XCTAssertEqual(try journal.load().records, records)
        XCTAssertEqual(try journal.load().header?.recordSchema, 1)
        let backup = url.deletingLastPathComponent().appendingPathComponent("backup/journal.jsonl")
        XCTAssertTrue(try journal.migrate(backup: backup))
        XCTAssertEqual(try Data(contentsOf: backup), original)
        let migrated = try journal.load()
        XCTAssertEqual(migrated.records, records)
        XCTAssertEqual(migrated.checksummed, 3)
        XCTAssertEqual(migrated.header?.recordSchema, 2)
        XCTAssertEqual(migrated.header?.fingerprint, "beef")
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertFalse(text.contains("runNumber"))
        XCTAssertTrue(text.contains("\"run_number\":1,\"valid_accuracy\":50.125,\"crc32c\":\""), text)
        XCTAssertFalse(try journal.migrate(backup: backup), "a current journal is left alone")
    }

    func testAnEditedLegacyLineIsRefusedAndNothingIsWritten() throws {
        let url = try legacyJournal([record])
        let edited = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "71.25", with: "91.25")
        try edited.write(to: url, atomically: true, encoding: .utf8)
        let backup = url.deletingLastPathComponent().appendingPathComponent("backup/journal.jsonl")
        XCTAssertThrowsError(try Journal<Rec>(url: url).migrate(backup: backup)) { error in
            XCTAssertTrue("\(error)".contains("line 2 (record #0) fails its checksum"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), edited)
        XCTAssertFalse(FileManager.default.fileExists(atPath: backup.path))
    }
}
