import CZlib

/// gunzip through zlib (`inflate` with automatic gzip/zlib header detection).
enum Gzip {
    static func hasMagic(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    /// The decompressed content of a gzip file (all members, if several are concatenated).
    /// Throws `corruptGzip` naming `path` for bad headers, bad data, CRC errors and truncation, and
    /// `tooLarge` as soon as the output would pass `limit` bytes, or when `expectedSize` (given the
    /// output so far; nil = not known yet) announces a size above `limit` — so a header that claims
    /// terabytes is refused after its first bytes, not after decompressing them.
    static func decompress(_ input: [UInt8], path: String, limit: Int = MemoryLimit.bytes,
                           expectedSize: (([UInt8]) throws -> Int?)? = nil) throws -> [UInt8] {
        guard hasMagic(input) else {
            throw DatasetError.corruptGzip(path: path, reason: "not gzip data (missing 1F 8B magic bytes)")
        }
        var stream = z_stream()
        // windowBits 15 + 32: accept a gzip (or zlib) header, 32 KiB window.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DatasetError.corruptGzip(path: path, reason: "zlib could not be initialised")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(min(input.count * 4, limit))
        var sizeKnown = expectedSize == nil
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        try input.withUnsafeBufferPointer { inBuffer in
            stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress)
            stream.avail_in = uInt(inBuffer.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                guard output.count + produced <= limit else {
                    throw DatasetError.tooLarge(path: path, bytes: nil, limit: limit)
                }
                output.append(contentsOf: chunk[0..<produced])
                if !sizeKnown, let expected = try expectedSize?(output) {
                    sizeKnown = true
                    if expected > limit { throw DatasetError.tooLarge(path: path, bytes: expected, limit: limit) }
                }
                let consumed = inBuffer.count - Int(stream.avail_in)
                switch status {
                case Z_STREAM_END:
                    if stream.avail_in == 0 { return }
                    // Another gzip member follows (as `cat a.gz b.gz` makes); anything else is garbage.
                    let rest = Array(inBuffer[consumed..<min(consumed + 2, inBuffer.count)])
                    guard hasMagic(rest) else {
                        throw DatasetError.corruptGzip(
                            path: path, reason: "unexpected bytes after the gzip stream at offset \(consumed)")
                    }
                    inflateReset(&stream)
                case Z_OK, Z_BUF_ERROR:
                    if stream.avail_in == 0 && stream.avail_out > 0 {
                        throw DatasetError.corruptGzip(
                            path: path, reason: "truncated: the stream ends early after \(consumed) compressed bytes")
                    }
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw DatasetError.corruptGzip(path: path, reason: "\(message) (near compressed byte \(consumed))")
                }
            }
        }
        return output
    }
}
