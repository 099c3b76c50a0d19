import Persistence
import XCTest

/// The 16-bit decoders against bit patterns whose values are fixed by IEEE 754 / bfloat16.
final class HalfPrecisionTests: XCTestCase {
    func testHalfBitPatterns() {
        let cases: [(UInt16, Float)] = [
            (0x0000, 0), (0x3C00, 1), (0xC000, -2), (0x3555, 0.333251953125), (0x7BFF, 65504),
            (0x0400, 0x1p-14), (0x0001, 0x1p-24), (0x03FF, 1023 * 0x1p-24), (0x8001, -0x1p-24),
            (0x7C00, .infinity), (0xFC00, -.infinity),
        ]
        for (bits, value) in cases {
            XCTAssertEqual(HalfPrecision.float(fromHalfBits: bits), value, String(format: "0x%04X", bits))
        }
        XCTAssertEqual(HalfPrecision.float(fromHalfBits: 0x8000).sign, .minus)
        XCTAssertTrue(HalfPrecision.float(fromHalfBits: 0x7E00).isNaN)
    }

    func testBFloat16BitPatterns() {
        let cases: [(UInt16, Float)] = [(0x3F80, 1), (0xC040, -3), (0x4049, 3.140625), (0x7F80, .infinity), (0x0001, 0x1p-133)]
        for (bits, value) in cases {
            XCTAssertEqual(HalfPrecision.float(fromBFloat16Bits: bits), value, String(format: "0x%04X", bits))
        }
        XCTAssertTrue(HalfPrecision.float(fromBFloat16Bits: 0x7FC0).isNaN)
    }

    func testDecodeReadsUnalignedLittleEndianBytes() {
        // One leading byte so the 16-bit values start at an odd address.
        let bytes: [UInt8] = [0xAA, 0x00, 0x3C, 0x00, 0xC0, 0x55, 0x35]
        var out = [Float](repeating: 0, count: 3)
        bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer {
                HalfPrecision.decode(UnsafeRawBufferPointer(rebasing: raw[1...]), dtype: .f16, into: $0)
            }
        }
        XCTAssertEqual(out, [1, -2, 0.333251953125])
    }
}
