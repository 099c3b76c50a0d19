import Foundation

/// Whole-file byte I/O with errors that name the file.
enum BinaryFile {
    /// The bytes of `path`, gunzipped if the file is gzip data (by its magic bytes) or named `*.gz`.
    static func readMaybeGzipped(_ path: String) throws -> [UInt8] {
        let raw = try read(path)
        if path.hasSuffix(".gz") || Gzip.hasMagic(raw) { return try Gzip.decompress(raw, path: path) }
        return raw
    }

    /// The raw bytes of `path`.
    static func read(_ path: String) throws -> [UInt8] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw DatasetError.missingFile(path: path, expected: [])
        }
        if isFolder.boolValue { throw DatasetError.unreadableFile(path: path, reason: "is a folder, not a file") }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return [UInt8](data)
        } catch {
            throw DatasetError.unreadableFile(path: path, reason: "\(error.localizedDescription)")
        }
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
