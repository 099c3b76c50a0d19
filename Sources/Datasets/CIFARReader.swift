import Foundation

/// Readers for the CIFAR-10 and CIFAR-100 binary versions.
///
/// A CIFAR-10 record is 1 label byte + 3,072 pixel bytes (red 32×32 plane row-major, then green,
/// then blue); CIFAR-100 has a coarse and a fine label byte before the pixels. Files have no header;
/// the record count is the file size divided by the record size, which must divide it exactly.
public enum CIFARReader {
    /// The CIFAR image geometry, 3 × 32 × 32.
    public static let shape = ImageShape(channels: 3, height: 32, width: 32)
    /// The five CIFAR-10 training files, in order.
    public static let cifar10TrainFiles = (1...5).map { "data_batch_\($0).bin" }
    /// The CIFAR-10 test file.
    public static let cifar10TestFile = "test_batch.bin"
    /// The CIFAR-100 training file.
    public static let cifar100TrainFile = "train.bin"
    /// The CIFAR-100 test file.
    public static let cifar100TestFile = "test.bin"

    /// Which CIFAR-100 label to use as the class.
    public enum CIFAR100Labels: String, Codable, Sendable {
        case fine, coarse
        var classCount: Int { self == .fine ? 100 : 20 }
    }

    // MARK: CIFAR-10

    /// Reads the `cifar-10-batches-bin` folder: `data_batch_1…5.bin` (train), `test_batch.bin`
    /// (test) and, if present, `batches.meta.txt` (class names, one per non-empty line; their number
    /// is the class count, 10 when the file is absent).
    public static func readCIFAR10(folder: String) throws -> Dataset {
        let expected = cifar10TrainFiles + [cifar10TestFile]
        guard BinaryFile.isFolder(folder) else { throw DatasetError.missingFile(path: folder, expected: expected) }
        for name in expected where !BinaryFile.exists(BinaryFile.join(folder, name)) {
            throw DatasetError.missingFile(path: BinaryFile.join(folder, name), expected: expected)
        }
        try checkBatchSizes(cifar10TrainFiles.map { BinaryFile.join(folder, $0) }, recordSize: 1 + shape.volume)
        return try readCIFAR10(trainFiles: cifar10TrainFiles.map { BinaryFile.join(folder, $0) },
                               testFiles: [BinaryFile.join(folder, cifar10TestFile)],
                               metaFile: BinaryFile.join(folder, "batches.meta.txt"))
    }

    /// Reads explicitly listed CIFAR-10 `.bin` files; train and test are the concatenations of
    /// their lists, in order. `metaFile` is optional (ignored when it does not exist).
    public static func readCIFAR10(trainFiles: [String], testFiles: [String], metaFile: String? = nil) throws -> Dataset {
        let names = try metaFile.flatMap { try readClassNames($0) }
        let classCount = names?.count ?? 10
        let train = try readRecords(trainFiles, labelBytes: 1, labelIndex: 0, classCount: classCount)
        let test = try readRecords(testFiles, labelBytes: 1, labelIndex: 0, classCount: classCount)
        let classNames = names ?? cifar10ClassNames
        return Dataset(name: "CIFAR-10", format: .cifar10, train: train, test: test,
                       classCount: classCount, classNames: classNames)
    }

    // MARK: CIFAR-100

    /// Reads the `cifar-100-binary` folder (`train.bin`, `test.bin`, optional
    /// `fine_label_names.txt` / `coarse_label_names.txt`).
    public static func readCIFAR100(folder: String, labels: CIFAR100Labels = .fine) throws -> Dataset {
        let expected = [cifar100TrainFile, cifar100TestFile]
        guard BinaryFile.isFolder(folder) else { throw DatasetError.missingFile(path: folder, expected: expected) }
        for name in expected where !BinaryFile.exists(BinaryFile.join(folder, name)) {
            throw DatasetError.missingFile(path: BinaryFile.join(folder, name), expected: expected)
        }
        let namesFile = BinaryFile.join(folder, labels == .fine ? "fine_label_names.txt" : "coarse_label_names.txt")
        return try readCIFAR100(trainFiles: [BinaryFile.join(folder, cifar100TrainFile)],
                                testFiles: [BinaryFile.join(folder, cifar100TestFile)],
                                labels: labels, namesFile: namesFile)
    }

    /// Reads explicitly listed CIFAR-100 `.bin` files.
    public static func readCIFAR100(trainFiles: [String], testFiles: [String], labels: CIFAR100Labels = .fine,
                                    namesFile: String? = nil) throws -> Dataset {
        let classCount = labels.classCount
        let index = labels == .coarse ? 0 : 1
        let train = try readRecords(trainFiles, labelBytes: 2, labelIndex: index, classCount: classCount)
        let test = try readRecords(testFiles, labelBytes: 2, labelIndex: index, classCount: classCount)
        var names = (try namesFile.flatMap { try readClassNames($0) }) ?? []
        if names.count != classCount { names = (0..<classCount).map(String.init) }
        let name = labels == .fine ? "CIFAR-100" : "CIFAR-100 (coarse)"
        return Dataset(name: name, format: .cifar100, train: train, test: test,
                       classCount: classCount, classNames: names)
    }

    // MARK: Records

    /// Concatenates the records of `files`. Each record is `labelBytes` label bytes then 3,072 pixels;
    /// the class is label byte `labelIndex`, which must be `< classCount`.
    static func readRecords(_ files: [String], labelBytes: Int, labelIndex: Int, classCount: Int) throws -> ImageSet {
        let volume = shape.volume, recordSize = labelBytes + volume
        var pixels: [UInt8] = [], labels: [Int32] = []
        for path in files {
            let bytes = try BinaryFile.read(path)
            guard bytes.count % recordSize == 0 else {
                throw DatasetError.partialRecord(path: path, size: bytes.count, recordSize: recordSize)
            }
            let count = bytes.count / recordSize
            pixels.reserveCapacity(pixels.count + count * volume)
            labels.reserveCapacity(labels.count + count)
            for record in 0..<count {
                let start = record * recordSize
                let label = Int(bytes[start + labelIndex])
                guard label < classCount else {
                    throw DatasetError.labelOutOfRange(path: path, record: record, byteOffset: start + labelIndex,
                                                       value: label, classCount: classCount)
                }
                labels.append(Int32(label))
                pixels.append(contentsOf: bytes[(start + labelBytes)..<(start + recordSize)])
            }
        }
        return ImageSet(shape: shape, pixels: pixels, labels: labels)
    }

    /// The batch files of a folder hold the same number of records give or take one (the official
    /// batches 10,000 each; `rednas data synth` splits as evenly as possible), so one with fewer —
    /// empty, or cut at a record boundary — is an error naming it, never a silently shortened
    /// dataset. Checked from the sizes, before reading.
    static func checkBatchSizes(_ files: [String], recordSize: Int) throws {
        let counts = files.map { path -> (path: String, records: Int) in
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
            return (path, (size ?? 0) / recordSize)
        }
        guard let fewest = counts.min(by: { $0.records < $1.records }), let most = counts.max(by: { $0.records < $1.records }),
              most.records - fewest.records > 1 else { return }
        let what = fewest.records == 0 ? "is empty (0 bytes)" : "holds \(fewest.records) records"
        throw DatasetError.badContent(
            path: fewest.path, reason: "\(what) but \(most.path) holds \(most.records): the batch files of one dataset "
                + "hold the same number of records (±1), so this file is truncated or replaced")
    }

    /// Non-empty, trimmed lines of a names file, or nil when the file does not exist.
    static func readClassNames(_ path: String) throws -> [String]? {
        guard BinaryFile.exists(path) else { return nil }
        let bytes = try BinaryFile.read(path)
        let text = String(decoding: bytes, as: UTF8.self)
        let names = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !names.isEmpty, names.count <= 256 else {
            throw DatasetError.unrecognisedFormat(
                path: path, reason: "expected 1 to 256 class names, one per line; found \(names.count)")
        }
        return names
    }
}
