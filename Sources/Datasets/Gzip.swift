import CZlib

/// gunzip through zlib (`inflate` with automatic gzip/zlib header detection).
enum Gzip {
    static func hasMagic(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    /// The decompressed content of a gzip file (all members, if several are concatenated).
    /// Throws `corruptGzip` naming `path` for bad headers, bad data, CRC errors and truncation.
    static func decompress(_ input: [UInt8], path: String) throws -> [UInt8] {
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
        output.reserveCapacity(input.count * 4)
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
                output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
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
