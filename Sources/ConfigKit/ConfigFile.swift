import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The limits every configuration text is held to, so a huge or endless input is refused at once
/// instead of being parsed for minutes: real configs are a few hundred bytes with lists of a few
/// entries.
public enum ConfigLimits {
    /// Largest configuration file (or stream) read: 1 MiB.
    public static let fileBytes = 1 << 20
    /// Longest list accepted anywhere in a configuration.
    public static let listElements = 1000
}

/// Reads a configuration file as UTF-8 text with errors a user can act on: a folder, a missing
/// file, a permission problem (only when the system reports one), a file or stream over
/// ``ConfigLimits/fileBytes``, or a byte that is not UTF-8 (with its line, column and offset).
/// Regular files, FIFOs, process substitution (`<(…)`) and `/dev/stdin` are read the same way.
enum ConfigFile {
    static func text(atPath path: String) throws -> String {
        func fail(_ message: String) -> ConfigError {
            ConfigError(source: .wholeFile(name: path), keyPath: nil, message: message)
        }
        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            throw fail("cannot read the configuration file: " + (code == ENOENT || code == ENOTDIR ? "no such file" : describe(code)))
        }
        let kind = status.st_mode & S_IFMT
        if kind == S_IFDIR { throw fail("is a folder, not a configuration file") }
        let limit = ConfigLimits.fileBytes
        if kind == S_IFREG && Int(status.st_size) > limit {
            throw fail("the file is \(status.st_size) bytes; a configuration file may hold at most \(limit) bytes (1 MiB)")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw fail("cannot read the configuration file: \(describe(errno))") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("cannot read the configuration file: \(describe(errno))")
            }
            guard bytes.count + n <= limit else {
                throw fail("more than \(limit) bytes (1 MiB) to read; a configuration file may hold at most that")
            }
            bytes.append(contentsOf: chunk[0..<n])
        }
        if let (offset, byte) = firstInvalidUTF8(bytes) {
            let (line, column) = position(of: offset, in: bytes)
            throw ConfigError(source: .file(name: path, line: line, column: column), keyPath: nil,
                              message: "not UTF-8 text: byte 0x\(String(byte, radix: 16, uppercase: true)) at offset \(offset) "
                                  + "is not valid UTF-8 (save the file as UTF-8)")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// "permission denied" only for EACCES / EPERM; the system's words otherwise.
    static func describe(_ code: Int32) -> String {
        if code == EACCES || code == EPERM { return "permission denied" }
        return String(cString: strerror(code)).lowercased()
    }

    /// The offset and value of the first byte that does not belong to valid UTF-8, if any.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> (Int, UInt8)? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: return nil
            case .error: return (offset, bytes[offset])
            }
        }
    }

    /// 1-based line and column (in bytes) of `offset`.
    static func position(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1, lineStart = 0
        for i in 0..<offset where bytes[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        return (line, offset - lineStart + 1)
    }
}
