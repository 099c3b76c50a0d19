@testable import Persistence
import XCTest

final class SafeTensorsTests: XCTestCase {
    /// Bytes written by the reference Python `safetensors` library (safetensors.numpy.save) for
    /// {"stem.0.weight": float32 [[1.5,-2],[0.25,3]], "stem.1.num_batches_tracked": int64 7},
    /// metadata {"arch": "x"}.
    static let referenceHex = "b0000000000000007b225f5f6d657461646174615f5f223a7b2261726368223a2278227d2c227374656d2e312e6e756d5f626174636865735f747261636b6564223a7b226474797065223a22493634222c227368617065223a5b5d2c22646174615f6f666673657473223a5b302c385d7d2c227374656d2e302e776569676874223a7b226474797065223a22463332222c227368617065223a5b322c325d2c22646174615f6f666673657473223a5b382c32345d7d7d202007000000000000000000c03f000000c00000803e00004040"

    func testReadsAFileWrittenByTheReferenceLibrary() throws {
        let file = try SafeTensors.decode(Data(hex: Self.referenceHex), path: "ref")
        XCTAssertEqual(file.metadata, ["arch": "x"])
        XCTAssertEqual(file["stem.0.weight"]?.shape, [2, 2])
        XCTAssertEqual(file["stem.0.weight"]?.floats(), [1.5, -2, 0.25, 3])
        XCTAssertEqual(file["stem.1.num_batches_tracked"]?.shape, [])
        XCTAssertEqual(file["stem.1.num_batches_tracked"]?.int64s(), [7])
    }

    func testRoundTripIsExact() throws {
        var g = [Float](repeating: 0, count: 3 * 4 * 5)
        for i in g.indices { g[i] = Float(bitPattern: UInt32(0x3F80_0000) &+ UInt32(i &* 7919)) }
        let original = SafeTensors(entries: [
            .float32("a.weight", shape: [3, 4, 5], values: g),
            .int64Scalar("a.num_batches_tracked", 123_456_789_012),
            .float32("empty", shape: [0, 3], values: []),
        ], metadata: ["format": "pt"])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rt-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try original.write(to: url)
        let back = try SafeTensors.read(from: url)
        XCTAssertEqual(back, original)
        XCTAssertEqual(back["a.weight"]!.floats().map(\.bitPattern), g.map(\.bitPattern))
        let raw = try Data(contentsOf: url)
        XCTAssertEqual((8 + Int(raw.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })) % 8, 0,
                       "header padded to 8-byte alignment")
    }

    func testDamagedFilesAreClearErrors() throws {
        let good = try SafeTensors(entries: [.float32("w", shape: [2], values: [1, 2])]).encoded()
        func message(_ data: Data) -> String {
            do { _ = try SafeTensors.decode(data, path: "w.safetensors"); return "no error" } catch { return "\(error)" }
        }
        XCTAssertTrue(message(Data([1, 2, 3])).contains("shorter than the 8-byte header"))
        XCTAssertTrue(message(good.dropLast(3)).contains("outside the"))
        var hugeHeader = good; hugeHeader[0] = 0xFF; hugeHeader[1] = 0xFF
        XCTAssertTrue(message(hugeHeader).contains("exceeds the file size"))
        XCTAssertTrue(message(good + Data([0, 0, 0, 0])).contains("trailing bytes"))
        let wrongSize = try SafeTensors(entries: [SafeTensors.Entry(name: "w", dtype: .f32, shape: [3], bytes: Data(count: 8))]).encoded()
        XCTAssertTrue(message(wrongSize).contains("needs 12"))
        let text = String(decoding: good, as: UTF8.self).replacingOccurrences(of: "F32", with: "Q32")
        XCTAssertTrue(message(Data(text.utf8)).contains("unsupported dtype Q32"))
        XCTAssertTrue(message(good).contains("no error"))
        XCTAssertTrue(message(good).count < 20)
        do { _ = try SafeTensors.read(from: URL(fileURLWithPath: "/nonexistent/x.safetensors")); XCTFail() } catch {
            XCTAssertTrue("\(error)".contains("/nonexistent/x.safetensors"))
        }
    }
}

extension Data {
    init(hex: String) {
        var bytes: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            bytes.append(UInt8(hex[i..<j], radix: 16)!)
            i = j
        }
        self.init(bytes)
    }
}
