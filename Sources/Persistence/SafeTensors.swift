import Foundation

/// The `.safetensors` format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// mapping tensor names to `{dtype, shape, data_offsets}` (plus optional `__metadata__` of strings),
/// then the raw little-endian C-order tensor bytes. Offsets are relative to the data section.
///
/// Reading validates everything a damaged or foreign file could get wrong and names the problem.
public struct SafeTensors: Equatable {
    /// An element type, named as in the header.
    public enum DType: String, Codable, CaseIterable {
        case f32 = "F32", f64 = "F64", i64 = "I64", i32 = "I32", f16 = "F16", bf16 = "BF16", u8 = "U8"
        /// Bytes per element.
        public var byteSize: Int {
            switch self {
            case .f64, .i64: return 8
            case .f32, .i32: return 4
            case .f16, .bf16: return 2
            case .u8: return 1
            }
        }
    }

    /// One named tensor: its type, shape and raw little-endian bytes.
    public struct Entry: Equatable {
        /// The tensor's name, e.g. `stem.0.weight`.
        public var name: String
        /// The element type.
        public var dtype: DType
        /// The shape; `[]` is a scalar.
        public var shape: [Int]
        /// The raw bytes, C order, little-endian.
        public var bytes: Data

        /// Number of elements: the product of ``shape``.
        public var elementCount: Int { shape.reduce(1, *) }

        /// An entry from raw bytes (not checked against the shape here; reading a file checks it).
        public init(name: String, dtype: DType, shape: [Int], bytes: Data) {
            self.name = name; self.dtype = dtype; self.shape = shape; self.bytes = bytes
        }

        /// A float32 tensor (little-endian, as every supported platform is).
        public static func float32(_ name: String, shape: [Int], values: [Float]) -> Entry {
            precondition(values.count == shape.reduce(1, *), "\(name): \(values.count) values for shape \(shape)")
            return Entry(name: name, dtype: .f32, shape: shape, bytes: values.withUnsafeBytes { Data($0) })
        }

        /// An int64 scalar (shape []), as PyTorch stores `num_batches_tracked`.
        public static func int64Scalar(_ name: String, _ value: Int64) -> Entry {
            Entry(name: name, dtype: .i64, shape: [], bytes: withUnsafeBytes(of: value.littleEndian) { Data($0) })
        }

        /// The values of an F32 entry.
        public func floats() -> [Float] {
            precondition(dtype == .f32)
            return bytes.withUnsafeBytes { raw in Array(raw.bindMemory(to: Float.self)) }
        }

        /// The values of an I64 entry.
        public func int64s() -> [Int64] {
            precondition(dtype == .i64)
            return bytes.withUnsafeBytes { raw in Array(raw.bindMemory(to: Int64.self)) }
        }
    }

    /// The tensors, in file order.
    public var entries: [Entry]
    /// The header's `__metadata__` strings.
    public var metadata: [String: String]

    /// A file's contents from its entries and metadata.
    public init(entries: [Entry], metadata: [String: String] = [:]) {
        self.entries = entries; self.metadata = metadata
    }

    /// The entry named `name`, if any.
    public subscript(name: String) -> Entry? { entries.first { $0.name == name } }
}

// MARK: - Encoding

extension SafeTensors {
    /// Serialises in entry order; the header is padded with spaces to a multiple of 8 bytes.
    /// The data section's CRC-32C goes into `__metadata__` as `crc32c`; `decode` verifies it.
    public func encoded() throws -> Data {
        var header: [String: Any] = [:]
        var offset = 0
        var crc = CRC32C.start
        for e in entries {
            header[e.name] = ["dtype": e.dtype.rawValue, "shape": e.shape, "data_offsets": [offset, offset + e.bytes.count]]
            offset += e.bytes.count
            crc = CRC32C.update(crc, e.bytes)
        }
        header["__metadata__"] = metadata.merging([Self.checksumKey: CRC32C.hexString(CRC32C.finish(crc))]) { _, new in new }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while (8 + json.count) % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for e in entries { out.append(e.bytes) }
        return out
    }

    /// Writes atomically (temp file + fsync + rename).
    public func write(to url: URL) throws {
        try AtomicFile.write(try encoded(), to: url)
    }
}

// MARK: - Decoding

extension SafeTensors {
    /// The `__metadata__` key holding the data section's CRC-32C (8 hex digits).
    public static let checksumKey = "crc32c"

    /// Reads and validates the file at `url`.
    /// - Throws: ``PersistenceError/malformed(path:detail:)`` naming the problem.
    public static func read(from url: URL) throws -> SafeTensors {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw PersistenceError.malformed(path: url.path, detail: "cannot read the weights file (\(error.localizedDescription))")
        }
        return try decode(data, path: url.path)
    }

    /// Parses and validates `data`; `path` names the file in errors.
    ///
    /// - Throws: ``PersistenceError/malformed(path:detail:)`` naming the problem.
    public static func decode(_ data: Data, path: String) throws -> SafeTensors {
        func bad(_ detail: String) -> PersistenceError { .malformed(path: path, detail: "not a valid safetensors file: \(detail)") }
        guard data.count >= 8 else { throw bad("\(data.count) bytes, shorter than the 8-byte header length") }
        let headerLength = data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw bad("header length \(headerLength) exceeds the file size \(data.count)")
        }
        let headerData = data.subdata(in: 8..<(8 + Int(headerLength)))
        guard let object = try? JSONSerialization.jsonObject(with: headerData), let header = object as? [String: Any] else {
            throw bad("the header is not a JSON object")
        }
        let dataStart = 8 + Int(headerLength), dataLength = data.count - dataStart
        var entries: [(begin: Int, entry: Entry)] = []
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: String] else { throw bad("__metadata__ must map strings to strings") }
                metadata = m; continue
            }
            guard let info = value as? [String: Any] else { throw bad("tensor '\(name)' has no descriptor object") }
            guard let dtypeName = info["dtype"] as? String else { throw bad("tensor '\(name)' has no dtype") }
            guard let dtype = DType(rawValue: dtypeName) else { throw bad("tensor '\(name)' has unsupported dtype \(dtypeName)") }
            guard let shape = (info["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  shape.count == (info["shape"] as? [Any])?.count, shape.allSatisfy({ $0 >= 0 }) else {
                throw bad("tensor '\(name)' has a malformed shape")
            }
            guard let offsets = (info["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }), offsets.count == 2 else {
                throw bad("tensor '\(name)' has malformed data_offsets")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= dataLength else {
                throw bad("tensor '\(name)' data_offsets [\(begin), \(end)] fall outside the \(dataLength)-byte data section")
            }
            let expected = shape.reduce(1, *) * dtype.byteSize
            guard end - begin == expected else {
                throw bad("tensor '\(name)' has \(end - begin) bytes, but \(dtype.rawValue) shape \(shape) needs \(expected)")
            }
            let bytes = data.subdata(in: (dataStart + begin)..<(dataStart + end))
            entries.append((begin, Entry(name: name, dtype: dtype, shape: shape, bytes: bytes)))
        }
        entries.sort { ($0.begin, $0.entry.name) < ($1.begin, $1.entry.name) }
        var cursor = 0
        for (begin, entry) in entries {
            guard begin == cursor else { throw bad("tensor '\(entry.name)' overlaps or leaves a gap at byte \(begin)") }
            cursor += entry.bytes.count
        }
        guard cursor == dataLength else { throw bad("\(dataLength - cursor) trailing bytes after the last tensor") }
        // Files written before checksums (or by other tools) carry none; what is present is verified.
        if let recorded = metadata.removeValue(forKey: checksumKey) {
            let computed = CRC32C.hex(data[dataStart...])
            guard computed == recorded.lowercased() else {
                throw PersistenceError.malformed(path: path, detail: "the tensor data fails its checksum (recorded crc32c \(recorded), "
                    + "computed \(computed)) — the file was changed or damaged after it was written and cannot be trusted")
            }
        }
        return SafeTensors(entries: entries.map(\.entry), metadata: metadata)
    }
}
