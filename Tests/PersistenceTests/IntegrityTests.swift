@testable import Persistence
import XCTest

/// Checksums and fingerprints of run files: the standard check values, and tampered files refused
/// with the file and record named.
final class IntegrityTests: XCTestCase {
    struct Rec: Codable, Equatable { var id: Int; var accuracy: Double }

    private func tempURL(_ name: String = "journal.jsonl") -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("integrity-\(UUID())/\(name)")
    }

    func testCRC32CCheckValue() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum([UInt8]()), 0)
        XCTAssertEqual(CRC32C.hex(Array("123456789".utf8)), "e3069283")
        // Incremental use gives the same value.
        let a = Array("12345".utf8), b = Array("6789".utf8)
        XCTAssertEqual(CRC32C.finish(CRC32C.update(CRC32C.update(CRC32C.start, a), b)), 0xE306_9283)
    }

    func testCRC32CSlicingByEightEqualsTheBytewiseReference() {
        var generator = SystemRandomNumberGenerator()
        // Lengths around the 8-byte step, offsets that leave the loads unaligned, and every kind of
        // storage the fast path sees (arrays, array slices, Data, String UTF-8) or falls back from.
        for length in Array(0...40) + [255, 1000, 4099] {
            let bytes = (0..<(length + 7)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for offset in [0, 1, 3, 7] {
                let slice = bytes[offset..<(offset + length)]
                let expected = CRC32C.finish(CRC32C.updateBytewise(CRC32C.start, slice))
                XCTAssertEqual(CRC32C.checksum(slice), expected, "length \(length), offset \(offset)")
                XCTAssertEqual(CRC32C.checksum(Data(slice)), expected, "Data, length \(length)")
                XCTAssertEqual(CRC32C.checksum(slice.lazy.map { $0 }), expected, "non-contiguous, length \(length)")
            }
        }
        let text = "journal line \u{00E9}\u{4E2D} " + String(repeating: "x", count: 37)
        XCTAssertEqual(CRC32C.checksum(text.utf8), CRC32C.finish(CRC32C.updateBytewise(CRC32C.start, Array(text.utf8))))
        // A state carried across calls of the fast path.
        let a = Array("12345678901".utf8), b = Array("23456789".utf8)
        XCTAssertEqual(CRC32C.finish(CRC32C.update(CRC32C.update(CRC32C.start, a), b)),
                       CRC32C.finish(CRC32C.updateBytewise(CRC32C.start, a + b)))
    }

    func testSHA256FIPSVectors() {
        XCTAssertEqual(SHA256.hexDigest(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hexDigest([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hexDigest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testEveryLineCarriesAChecksumAndAnEditedValueIsRefusedNamingTheLine() throws {
        let j = Journal<Rec>(url: tempURL())
        try j.create(header: JournalHeader(fingerprint: "f00d", bound: ["config": "a: 1\n"]))
        for i in 0..<3 { try j.append(Rec(id: i, accuracy: 50 + Double(i))) }
        let c = try j.load()
        XCTAssertEqual(c.header?.fingerprint, "f00d")
        XCTAssertEqual(c.records.map(\.id), [0, 1, 2])
        XCTAssertEqual(c.lines, [2, 3, 4])
        XCTAssertEqual(c.checksummed, 3)
        let text = try String(contentsOf: j.url, encoding: .utf8)
        for line in text.split(separator: "\n") { XCTAssertTrue(line.contains(",\"crc32c\":\""), String(line)) }

        // Hand edit: accuracy 51 → 99.9 in record #1 (line 3).
        try text.replacingOccurrences(of: "\"accuracy\":51", with: "\"accuracy\":99.9").write(to: j.url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try j.load()) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(j.url.path), message)
            XCTAssertTrue(message.contains("line 3 (record #1) fails its checksum"), message)
        }
        // Even as the last line it is refused (a kill leaves a torn line, never a complete wrong one).
        let lines = text.split(separator: "\n").map(String.init)
        try (lines.dropLast().joined(separator: "\n") + "\n" + lines.last!.replacingOccurrences(of: "\"accuracy\":52", with: "\"accuracy\":99.9") + "\n")
            .write(to: j.url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try j.load()) { XCTAssertTrue("\($0)".contains("line 4 (record #2) fails its checksum"), "\($0)") }
    }

    func testAJournalWithAHeaderRefusesARecordWithoutChecksum() throws {
        let j = Journal<Rec>(url: tempURL())
        try j.create(header: JournalHeader(fingerprint: "f00d", bound: [:]))
        try j.append(Rec(id: 0, accuracy: 1))
        let handle = try FileHandle(forWritingTo: j.url)
        handle.seekToEndOfFile(); handle.write(Data("{\"accuracy\":2,\"id\":1}\n".utf8)); handle.closeFile()
        XCTAssertThrowsError(try j.load()) { XCTAssertTrue("\($0)".contains("line 3 (record #1) carries no crc32c checksum"), "\($0)") }
    }

    /// Migration: a journal from before checksums (no header, plain lines) loads as it is; adding
    /// the header keeps those records (legacy) and every later one carries a checksum.
    func testALegacyJournalLoadsAndGetsAHeaderOnMigration() throws {
        let url = tempURL()
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "{\"accuracy\":1,\"id\":0}\n{\"accuracy\":2,\"id\":1}\n".write(to: url, atomically: true, encoding: .utf8)
        let j = Journal<Rec>(url: url)
        let old = try j.load()
        XCTAssertNil(old.header)
        XCTAssertEqual(old.records.map(\.id), [0, 1])
        XCTAssertEqual(old.checksummed, 0)
        try j.addHeader(JournalHeader(fingerprint: "beef", bound: [:], legacyRecords: 2))
        try j.append(Rec(id: 2, accuracy: 3))
        let migrated = try j.load()
        XCTAssertEqual(migrated.header?.legacyRecords, 2)
        XCTAssertEqual(migrated.records.map(\.id), [0, 1, 2])
        XCTAssertEqual(migrated.checksummed, 1)
        XCTAssertTrue(try String(contentsOf: url, encoding: .utf8).hasSuffix("{\"accuracy\":1,\"id\":0}\n{\"accuracy\":2,\"id\":1}\n"
                                                                              + String(decoding: try Journal<Rec>.line(Rec(id: 2, accuracy: 3)), as: UTF8.self) + "\n"))
    }

    func testSafeTensorsCarryAChecksumOfTheirDataAndAChangedFloatIsRefused() throws {
        let url = tempURL("w.safetensors")
        let file = SafeTensors(entries: [.float32("a", shape: [2, 2], values: [1, 2, 3, 4]), .int64Scalar("n", 7)],
                               metadata: ["arch": "x"])
        try file.write(to: url)
        XCTAssertEqual(try SafeTensors.read(from: url), file, "the checksum is verified and not part of the metadata read back")
        let raw = try Data(contentsOf: url)
        let header = try JSONSerialization.jsonObject(with: raw.subdata(in: 8..<(8 + Int(raw[0]) + Int(raw[1]) << 8))) as! [String: Any]
        XCTAssertEqual((header["__metadata__"] as? [String: String])?["crc32c"], CRC32C.hex(raw.suffix(24)))

        var changed = raw
        changed[changed.count - 9] ^= 0x01  // one bit of the float 4.0
        try changed.write(to: url)
        XCTAssertThrowsError(try SafeTensors.read(from: url)) { error in
            XCTAssertTrue("\(error)".contains(url.path), "\(error)")
            XCTAssertTrue("\(error)".contains("fails its checksum"), "\(error)")
        }
    }
}
