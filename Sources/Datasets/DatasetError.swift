import Foundation

/// Everything that can be wrong with a dataset on disk or with a request made of one.
/// Every case names the file (or argument) and says what is wrong, so the message alone is
/// enough to fix the input.
public enum DatasetError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// A file or folder that was needed does not exist; `expected` lists the accepted names.
    case missingFile(path: String, expected: [String])
    /// The file exists but could not be read (permissions, I/O error).
    case unreadableFile(path: String, reason: String)
    /// The file's size is not a whole number of fixed-size records (includes truncation).
    case partialRecord(path: String, size: Int, recordSize: Int)
    /// A file is shorter than its fixed header.
    case truncatedHeader(path: String, size: Int, headerSize: Int)
    /// An IDX file starts with the wrong magic number.
    case wrongMagic(path: String, expected: UInt32, found: UInt32)
    /// An IDX header's item count / dimensions disagree with the amount of data in the file.
    case headerSizeMismatch(path: String, header: String, expectedBytes: Int, actualBytes: Int)
    /// An images file and its labels file hold different numbers of items.
    case countMismatch(imagesPath: String, images: Int, labelsPath: String, labels: Int)
    /// A label byte is not a valid class index.
    case labelOutOfRange(path: String, record: Int, byteOffset: Int, value: Int, classCount: Int)
    /// A gzip stream is corrupt or truncated.
    case corruptGzip(path: String, reason: String)
    /// Train and test parts (or several batch files) disagree on the image shape.
    case shapeMismatch(path: String, expected: [Int], found: [Int])
    /// The format of a path could not be recognised, or the forced format does not fit it.
    case unrecognisedFormat(path: String, reason: String)
    /// A split, subset or loader request that cannot be satisfied (bad sizes, bad indices).
    case invalidRequest(String)
    /// Writing a file failed.
    case writeFailed(path: String, reason: String)
    /// A file (or what its header announces) is larger than the machine's memory; `bytes` is nil
    /// for a stream whose size was unknown until the limit was passed.
    case tooLarge(path: String, bytes: Int?, limit: Int)
    /// A file whose content is well-formed but cannot be right (empty, shortened, zero-sized images).
    case badContent(path: String, reason: String)

    /// What is wrong, naming the file.
    public var description: String {
        switch self {
        case let .missingFile(path, expected):
            let names = expected.isEmpty ? "" : " (expected: \(expected.joined(separator: ", ")))"
            return "\(path): not found\(names)"
        case let .unreadableFile(path, reason):
            return "\(path): cannot be read: \(reason)"
        case let .partialRecord(path, size, recordSize):
            let whole = size / recordSize, extra = size % recordSize
            return "\(path): size \(size) bytes is not a whole number of \(recordSize)-byte records "
                + "(\(whole) records + \(extra) extra bytes; the file is truncated or not in this format)"
        case let .truncatedHeader(path, size, headerSize):
            return "\(path): truncated: \(size) bytes, shorter than the \(headerSize)-byte header"
        case let .wrongMagic(path, expected, found):
            return "\(path): wrong IDX magic number: expected 0x\(hex(expected)), found 0x\(hex(found))"
        case let .headerSizeMismatch(path, header, expectedBytes, actualBytes):
            return "\(path): header says \(header) = \(expectedBytes) data bytes, "
                + "but the file has \(actualBytes) data bytes"
        case let .countMismatch(imagesPath, images, labelsPath, labels):
            return "\(imagesPath) holds \(images) images but \(labelsPath) holds \(labels) labels"
        case let .labelOutOfRange(path, record, byteOffset, value, classCount):
            return "\(path): record \(record) (byte offset \(byteOffset)) has label \(value), "
                + "outside 0..<\(classCount)"
        case let .corruptGzip(path, reason):
            return "\(path): corrupt gzip data: \(reason)"
        case let .shapeMismatch(path, expected, found):
            return "\(path): image shape \(found) differs from \(expected) in the other files"
        case let .unrecognisedFormat(path, reason):
            return "\(path): \(reason)"
        case let .invalidRequest(message):
            return message
        case let .writeFailed(path, reason):
            return "\(path): cannot be written: \(reason)"
        case let .tooLarge(path, bytes, limit):
            guard let bytes else {
                return "\(path): more than \(MemoryLimit.format(Double(limit))) of data without an end; refused "
                    + "(the limit for a stream, or for decompressed data: this machine's memory)"
            }
            return "\(path): holds \(bytes) bytes (\(MemoryLimit.format(Double(bytes)))), more than this machine's memory "
                + "(\(MemoryLimit.format(Double(limit)))); refused before reading it"
        case let .badContent(path, reason):
            return "\(path): \(reason)"
        }
    }

    /// The same as ``description``.
    public var errorDescription: String? { description }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
