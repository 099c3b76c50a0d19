/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every journal line and
/// every tensors file a run writes. Check value: CRC32C("123456789") = 0xE3069283.
public enum CRC32C {
    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }

    /// The CRC-32C of `bytes`.
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        finish(update(start, bytes))
    }

    /// Incremental use: `finish(update(update(start, a), b))` = `checksum(a + b)`.
    public static let start: UInt32 = 0xFFFF_FFFF

    /// The state after feeding `bytes` to `state` (begin with `start`).
    public static func update<Bytes: Sequence>(_ state: UInt32, _ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc = state
        table.withUnsafeBufferPointer { t in
            for byte in bytes { crc = t[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc
    }

    /// The checksum of a finished `state` (the final XOR).
    public static func finish(_ state: UInt32) -> UInt32 { state ^ 0xFFFF_FFFF }

    /// The checksum as 8 lower-case hex digits, as files record it.
    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        hexString(checksum(bytes))
    }

    /// `value` as 8 lower-case hex digits, zero-padded.
    public static func hexString(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
