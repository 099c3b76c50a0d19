import Foundation

/// A `.safetensors` file opened for reading one tensor (or one contiguous slice of it) at a time.
///
/// Only the header is read on opening; tensor bytes are read on request with positioned reads, in
/// chunks of at most `chunkBytes`, straight into the Float result. So reading a tensor of e elements
/// needs 4e bytes plus one chunk, however large the file is. `SafeTensors.read` instead loads a
/// whole (small) file; this type is for activation files that may be far larger than memory.
///
/// Opening validates the header: every descriptor's shape and byte count, and that its bytes lie
/// inside the file (a truncated file is reported naming the first tensor that runs past its end).
/// Dtypes the project cannot widen (integers, bool, 8-bit floats) are kept as names so that a
/// caller can reject them with the tensor's name.
public final class SafeTensorsFile {
    /// One tensor's header entry: its name, dtype, shape and where its bytes lie.
    public struct Descriptor: Equatable, Sendable {
        /// The tensor's name (its key in the header).
        public let name: String
        /// The dtype as written in the header ("F32", "I64", "F8_E4M3", …).
        public let dtypeName: String
        /// The dtype, when it is one `SafeTensors.DType` knows.
        public var dtype: SafeTensors.DType? { SafeTensors.DType(rawValue: dtypeName) }
        /// The shape; empty for a scalar.
        public let shape: [Int]
        /// Byte range inside the data section.
        public let begin: Int
        /// One past the last byte of the range (`begin..<end`).
        public let end: Int

        /// The number of elements: the product of `shape` (1 for a scalar).
        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// The file's path.
    public let path: String
    /// Descriptors in file order (by offset).
    public let descriptors: [Descriptor]
    /// The `__metadata__` strings (empty when absent).
    public let metadata: [String: String]
    /// The size of positioned reads; bounds the transient buffer of `readFloats`.
    public static let chunkBytes = 1 << 22

    private let descriptorsByName: [String: Descriptor]
    private let fd: Int32
    private let dataStart: Int

    /// Opens `url` and validates its header.
    /// - Throws: `PersistenceError.io` if the file cannot be opened, `.malformed` (naming the file and,
    ///   where one is at fault, the tensor) for a damaged, truncated or foreign file.
    public init(url: URL) throws {
        path = url.path
        fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw PersistenceError.io(path: url.path, what: "cannot open", errno: errno) }
        var parsed: (descriptors: [Descriptor], metadata: [String: String], dataStart: Int)
        do { parsed = try Self.parseHeader(fd: fd, path: url.path) } catch { close(fd); throw error }
        descriptors = parsed.descriptors
        metadata = parsed.metadata
        dataStart = parsed.dataStart
        descriptorsByName = Dictionary(uniqueKeysWithValues: parsed.descriptors.map { ($0.name, $0) })
    }

    deinit { close(fd) }

    /// The descriptor of tensor `name`, or `nil` if the file has none.
    public subscript(name: String) -> Descriptor? { descriptorsByName[name] }

    /// The elements `elements` (default: all) of tensor `name` in C order, widened to Float.
    /// - Precondition: the tensor exists, its dtype is F32, F16 or BF16 and the range lies inside it.
    /// - Throws: `PersistenceError.io` when the read fails or comes up short (file changed meanwhile).
    public func readFloats(_ name: String, elements: Range<Int>? = nil) throws -> [Float] {
        guard let d = descriptorsByName[name], let dtype = d.dtype, dtype.isDecodableAsFloat else {
            preconditionFailure("readFloats: \(name) is missing or not a float tensor")
        }
        let range = elements ?? 0..<d.elementCount
        precondition(range.lowerBound >= 0 && range.upperBound <= d.elementCount, "readFloats: \(range) outside \(name)")
        let size = dtype.byteSize
        var out = [Float](repeating: 0, count: range.count)
        let perChunk = max(1, Self.chunkBytes / size)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: perChunk * size, alignment: 16)
        defer { buffer.deallocate() }
        var done = 0
        while done < range.count {
            let count = min(perChunk, range.count - done)
            let offset = dataStart + d.begin + (range.lowerBound + done) * size
            try readFully(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<(count * size)]), at: offset, tensor: name)
            out.withUnsafeMutableBufferPointer { dst in
                HalfPrecision.decode(UnsafeRawBufferPointer(rebasing: buffer[0..<(count * size)]), dtype: dtype,
                                     into: UnsafeMutableBufferPointer(rebasing: dst[done..<(done + count)]))
            }
            done += count
        }
        return out
    }

    private func readFully(into buffer: UnsafeMutableRawBufferPointer, at offset: Int, tensor: String) throws {
        var got = 0
        while got < buffer.count {
            let r = pread(fd, buffer.baseAddress! + got, buffer.count - got, off_t(offset + got))
            if r < 0 {
                if errno == EINTR { continue }
                throw PersistenceError.io(path: path, what: "cannot read tensor '\(tensor)'", errno: errno)
            }
            guard r > 0 else {
                throw PersistenceError.malformed(path: path, detail: "tensor '\(tensor)': the file ended early (truncated while reading)")
            }
            got += r
        }
    }

    private static func parseHeader(fd: Int32, path: String) throws -> ([Descriptor], [String: String], Int) {
        func bad(_ detail: String) -> PersistenceError { .malformed(path: path, detail: "not a valid safetensors file: \(detail)") }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw PersistenceError.io(path: path, what: "cannot stat", errno: errno) }
        let fileSize = Int(st.st_size)
        guard fileSize >= 8 else { throw bad("\(fileSize) bytes, shorter than the 8-byte header length") }
        var lengthLE: UInt64 = 0
        guard pread(fd, &lengthLE, 8, 0) == 8 else { throw bad("cannot read the header length") }
        let headerLength = UInt64(littleEndian: lengthLE)
        guard headerLength <= UInt64(fileSize - 8), headerLength <= 100_000_000 else {
            throw bad("header length \(headerLength) exceeds the file size \(fileSize) (truncated?)")
        }
        var headerData = Data(count: Int(headerLength))
        let read = headerData.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, Int(headerLength), 8) }
        guard read == Int(headerLength) else { throw bad("cannot read the \(headerLength)-byte header") }
        guard let object = try? JSONSerialization.jsonObject(with: headerData), let header = object as? [String: Any] else {
            throw bad("the header is not a JSON object")
        }
        let dataStart = 8 + Int(headerLength), dataLength = fileSize - dataStart
        var descriptors: [Descriptor] = []
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: String] else { throw bad("__metadata__ must map strings to strings") }
                metadata = m; continue
            }
            guard let info = value as? [String: Any], let dtypeName = info["dtype"] as? String else {
                throw bad("tensor '\(name)' has no dtype")
            }
            let rawShape = info["shape"] as? [Any]
            guard let rawShape, let shape = Optional(rawShape.compactMap({ ($0 as? NSNumber)?.intValue })),
                  shape.count == rawShape.count, shape.allSatisfy({ $0 >= 0 }) else {
                throw bad("tensor '\(name)' has a malformed shape")
            }
            guard let offsets = (info["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }), offsets.count == 2,
                  offsets[0] >= 0, offsets[0] <= offsets[1] else {
                throw bad("tensor '\(name)' has malformed data_offsets")
            }
            if let dtype = SafeTensors.DType(rawValue: dtypeName) {
                let expected = shape.reduce(1, *) * dtype.byteSize
                guard offsets[1] - offsets[0] == expected else {
                    throw bad("tensor '\(name)' has \(offsets[1] - offsets[0]) bytes, but \(dtypeName) shape \(shape) needs \(expected)")
                }
            }
            descriptors.append(Descriptor(name: name, dtypeName: dtypeName, shape: shape, begin: offsets[0], end: offsets[1]))
        }
        descriptors.sort { ($0.begin, $0.name) < ($1.begin, $1.name) }
        if let cut = descriptors.first(where: { $0.end > dataLength }) {
            throw PersistenceError.malformed(path: path, detail:
                "truncated: tensor '\(cut.name)' needs data bytes \(cut.begin)..<\(cut.end) but the file holds only \(dataLength)")
        }
        return (descriptors, metadata, dataStart)
    }
}

// MARK: - Streaming writer

extension SafeTensorsFile {
    /// The header of a tensor to be written by `write(to:tensors:metadata:bytes:)`.
    public struct TensorHeader {
        /// The tensor's name in the header.
        public var name: String
        /// The element type of the tensor's bytes.
        public var dtype: SafeTensors.DType
        /// The shape; empty for a scalar.
        public var shape: [Int]
        /// A header for tensor `name` of type `dtype` and shape `shape`.
        public init(name: String, dtype: SafeTensors.DType, shape: [Int]) {
            self.name = name; self.dtype = dtype; self.shape = shape
        }
        /// The bytes the tensor's data takes: element count × the dtype's size.
        public var byteCount: Int { shape.reduce(1, *) * dtype.byteSize }
    }

    /// Writes a safetensors file one tensor at a time: `bytes(i)` is asked for tensor i's bytes
    /// (exactly `tensors[i].byteCount`) only when it is written, so peak memory is one tensor.
    /// Not atomic: the file is written in place (for large generated files such as benchmarks).
    public static func write(to url: URL, tensors: [TensorHeader], metadata: [String: String] = [:],
                             bytes: (Int) throws -> Data) throws {
        var header: [String: Any] = [:]
        var offset = 0
        for t in tensors {
            header[t.name] = ["dtype": t.dtype.rawValue, "shape": t.shape, "data_offsets": [offset, offset + t.byteCount]]
            offset += t.byteCount
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while (8 + json.count) % 8 != 0 { json.append(UInt8(ascii: " ")) }
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: url.path) else {
            throw PersistenceError.io(path: url.path, what: "cannot create", errno: errno)
        }
        defer { try? handle.close() }
        var prefix = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { prefix.append(contentsOf: $0) }
        prefix.append(json)
        try handle.write(contentsOf: prefix)
        for (i, t) in tensors.enumerated() {
            let data = try bytes(i)
            precondition(data.count == t.byteCount, "\(t.name): \(data.count) bytes for \(t.byteCount)")
            try handle.write(contentsOf: data)
        }
    }
}
