/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every journal line and
/// every tensors file a run writes. Check value: CRC32C("123456789") = 0xE3069283.
public enum CRC32C {
    /// Slicing-by-8 tables: `tables[k * 256 + b]` is the CRC state change of byte `b` followed by
    /// `k` zero bytes; the first 256 entries are the byte-at-a-time table.
    private static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            t[n] = c
        }
        for k in 1..<8 {
            for n in 0..<256 { t[k * 256 + n] = (t[(k - 1) * 256 + n] >> 8) ^ t[Int(t[(k - 1) * 256 + n] & 0xFF)] }
        }
        return t
    }()

    /// The CRC-32C of `bytes`.
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        finish(update(start, bytes))
    }

    /// Incremental use: `finish(update(update(start, a), b))` = `checksum(a + b)`.
    public static let start: UInt32 = 0xFFFF_FFFF

    /// The state after feeding `bytes` to `state` (begin with `start`): eight bytes a step over
    /// contiguous storage (arrays, `Data`, native strings' UTF-8), else byte by byte.
    public static func update<Bytes: Sequence>(_ state: UInt32, _ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        if let crc = bytes.withContiguousStorageIfAvailable({ update(state, contiguous: UnsafeRawBufferPointer($0)) }) {
            return crc
        }
        return updateBytewise(state, bytes)
    }

    /// Slicing-by-8 over `bytes`. O(n), 8 table lookups per 8 bytes.
    public static func update(_ state: UInt32, contiguous bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = state
        tables.withUnsafeBufferPointer { t in
            var i = 0
            let n = bytes.count
            while i + 8 <= n {
                let low = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self)) ^ crc
                let high = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
                crc = t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ t[256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                i += 8
            }
            while i < n {
                crc = t[Int((crc ^ UInt32(bytes[i])) & 0xFF)] ^ (crc >> 8)
                i += 1
            }
        }
        return crc
    }

    /// The reference: one table lookup per byte.
    public static func updateBytewise<Bytes: Sequence>(_ state: UInt32, _ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc = state
        tables.withUnsafeBufferPointer { t in
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
