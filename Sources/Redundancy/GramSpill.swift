#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Prepared Grams kept in a temporary file instead of memory: layer l's n² Doubles at byte offset
/// l·n²·8. The file is unlinked as soon as it is created, so it disappears with its descriptor even
/// when the process is killed.
///
/// A reference type inside the value type `GramBatch`: `GramBatch.append` copies it before writing
/// when it is shared, so copies of a batch never see each other's appends.
final class GramSpill: @unchecked Sendable {
    // @unchecked: the descriptor is only written through `append`, which `GramBatch` calls on a
    // uniquely referenced instance; reads are positioned (pread) and do not share a file offset.
    private let descriptor: Int32
    /// Doubles per Gram (n²).
    let gramLength: Int
    /// Grams written so far.
    private(set) var count = 0

    /// A new, empty, already unlinked spill file in `$TMPDIR` (or /tmp).
    init(gramLength: Int) throws {
        self.gramLength = gramLength
        let folder = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(folder)/rednas-grams-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw Self.failure("create a temporary file in \(folder)") }
        unlink(template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Writes the next Gram (`gramLength` Doubles).
    func append(_ gram: UnsafeBufferPointer<Double>) throws {
        precondition(gram.count == gramLength)
        try transfer(UnsafeMutableRawBufferPointer(mutating: UnsafeRawBufferPointer(gram)), layer: count, writing: true)
        count += 1
    }

    /// Reads Grams `layers` into `buffer` (layers.count · gramLength Doubles), layer after layer.
    func read(_ layers: Range<Int>, into buffer: UnsafeMutableBufferPointer<Double>) throws {
        precondition(layers.upperBound <= count && buffer.count >= layers.count * gramLength)
        try transfer(UnsafeMutableRawBufferPointer(buffer), layer: layers.lowerBound, writing: false,
                     bytes: layers.count * gramLength * MemoryLayout<Double>.stride)
    }

    /// A copy with the same Grams in a file of its own.
    func copy() throws -> GramSpill {
        let other = try GramSpill(gramLength: gramLength)
        var gram = [Double](repeating: 0, count: gramLength)
        for layer in 0..<count {
            try gram.withUnsafeMutableBufferPointer { g in
                try read(layer..<(layer + 1), into: g)
                try other.append(UnsafeBufferPointer(g))
            }
        }
        return other
    }

    /// Positioned read or write of `bytes` (default one Gram) at layer `layer`, retried until done.
    private func transfer(_ buffer: UnsafeMutableRawBufferPointer, layer: Int, writing: Bool, bytes: Int? = nil) throws {
        let total = bytes ?? gramLength * MemoryLayout<Double>.stride
        var done = 0
        let start = layer * gramLength * MemoryLayout<Double>.stride
        while done < total {
            let pointer = buffer.baseAddress! + done
            let step = writing
                ? pwrite(descriptor, pointer, total - done, off_t(start + done))
                : pread(descriptor, pointer, total - done, off_t(start + done))
            if step < 0 && errno == EINTR { continue }
            guard step > 0 else {
                throw Self.failure(writing ? "write Grams to the temporary file" : "read Grams back from the temporary file",
                                   code: step < 0 ? errno : nil)
            }
            done += step
        }
    }

    private static func failure(_ operation: String, code: Int32? = errno) -> RedundancyError {
        let detail = code.map { String(cString: strerror($0)) } ?? "unexpected end of file"
        return .gramSpillFailed(operation: operation, detail: detail)
    }
}
