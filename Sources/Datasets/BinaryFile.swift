import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whole-file byte I/O with errors that name the file.
enum BinaryFile {
    /// The bytes of `path`, gunzipped if the file is gzip data (by its magic bytes) or named `*.gz`.
    /// `limit` bounds the decompressed size (see `Gzip.decompress`).
    static func readMaybeGzipped(_ path: String, limit: Int? = nil,
                                 expectedSize: (([UInt8]) throws -> Int?)? = nil) throws -> [UInt8] {
        let raw = try read(path)
        if path.hasSuffix(".gz") || Gzip.hasMagic(raw) {
            return try Gzip.decompress(raw, path: path, limit: limit ?? MemoryLimit.bytes, expectedSize: expectedSize)
        }
        return raw
    }

    /// The raw bytes of `path`: a regular file, or a stream (FIFO, process substitution, device),
    /// read to its end. Refuses folders, and anything larger than `limit` bytes (default: the
    /// machine's memory; 1 GiB for a stream) before reading it where the size is known, else as
    /// soon as it is exceeded.
    /// A permission error is reported as such only when the system says so (EACCES / EPERM).
    static func read(_ path: String, limit: Int = MemoryLimit.bytes) throws -> [UInt8] {
        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw DatasetError.missingFile(path: path, expected: []) }
            throw DatasetError.unreadableFile(path: path, reason: describe(errno: code))
        }
        let kind = status.st_mode & S_IFMT
        if kind == S_IFDIR { throw DatasetError.unreadableFile(path: path, reason: "is a folder, not a file") }
        if kind == S_IFREG && Int(status.st_size) > limit {
            throw DatasetError.tooLarge(path: path, bytes: Int(status.st_size), limit: limit)
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw DatasetError.unreadableFile(path: path, reason: describe(errno: errno)) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        if kind == S_IFREG { bytes.reserveCapacity(Int(status.st_size)) }
        // A stream has no size to check first; the largest real file (CIFAR-100's train.bin,
        // 154 MB) is far below 1 GiB, so an endless one (/dev/zero) stops there.
        let limit = kind == S_IFREG ? limit : min(limit, streamLimit)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw DatasetError.unreadableFile(path: path, reason: describe(errno: errno))
            }
            guard bytes.count + n <= limit else {
                throw DatasetError.tooLarge(path: path, bytes: nil, limit: limit)
            }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    /// The most bytes read from a stream (FIFO, pipe, device), whose size is not known beforehand.
    static let streamLimit = 1 << 30

    /// "permission denied" only for EACCES / EPERM; the system's words otherwise.
    static func describe(errno code: Int32) -> String {
        if code == EACCES || code == EPERM { return "permission denied" }
        if code == EISDIR { return "is a folder, not a file" }
        return String(cString: strerror(code)).lowercased()
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        } catch {
            throw DatasetError.writeFailed(path: path, reason: error.localizedDescription)
        }
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    static func isFolder(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// Big-endian u32 at `offset` (caller checked bounds).
    static func bigEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }
}

/// The most bytes a dataset file (or its decompressed content) may take: the machine's physical
/// memory. A file larger than that could never be held, so it is refused before it is read.
public enum MemoryLimit {
    /// The machine's physical memory in bytes (clamped to `Int`).
    public static var bytes: Int { Int(clamping: ProcessInfo.processInfo.physicalMemory) }

    /// "23.4 GiB", "512 MiB", "3.4 TB" style: binary units, 1 decimal.
    public static func format(_ bytes: Double) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = bytes, unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(Int(value)) bytes" : String(format: "%.1f %@", value, units[unit])
    }
}
