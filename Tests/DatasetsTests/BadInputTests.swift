import XCTest
@testable import Datasets

/// Every malformed-input case is a `DatasetError` naming the file and the problem.
final class BadInputTests: XCTestCase {
    func testMissingFolderListsExpectedFiles() throws {
        let path = NSTemporaryDirectory() + "rednas-no-such-folder-\(UUID().uuidString)"
        assertThrows(.missingFile(path: path, expected: []), mentions: [path, "not found"]) {
            try Dataset.load(from: path)
        }
        assertThrows(.missingFile(path: path, expected: CIFARReader.cifar10TrainFiles + ["test_batch.bin"]),
                     mentions: ["data_batch_1.bin", "test_batch.bin"]) {
            try CIFARReader.readCIFAR10(folder: path)
        }
    }

    func testMissingCIFARFileIsNamed() throws {
        let folder = try TestFiles.cifar10Folder(self)
        try FileManager.default.removeItem(atPath: folder + "/data_batch_4.bin")
        assertThrows(.missingFile(path: folder + "/data_batch_4.bin",
                                  expected: CIFARReader.cifar10TrainFiles + ["test_batch.bin"]),
                     mentions: ["data_batch_4.bin", "not found"]) { try Dataset.load(from: folder) }
    }

    func testMissingIDXFileIsNamed() throws {
        let folder = try TestFiles.idxFolder(self, gzipped: true)
        try FileManager.default.removeItem(atPath: folder + "/t10k-labels-idx1-ubyte.gz")
        let base = "t10k-labels-idx1-ubyte"
        assertThrows(.missingFile(path: folder + "/" + base, expected: [base, base + ".gz"]),
                     mentions: [base + ".gz"]) { try Dataset.load(from: folder) }
    }

    func testTruncatedCIFAR10File() throws {
        let folder = try TestFiles.cifar10Folder(self, perFile: 2)
        let path = folder + "/data_batch_3.bin"
        let bytes = TestFiles.cifar10File(labels: [1, 2])
        _ = try TestFiles.write(Array(bytes[..<(bytes.count - 100)]), folder, "data_batch_3.bin")
        assertThrows(.partialRecord(path: path, size: 2 * 3073 - 100, recordSize: 3073),
                     mentions: ["data_batch_3.bin", "\(2 * 3073 - 100) bytes", "3073-byte records"]) {
            try Dataset.load(from: folder)
        }
    }

    func testCIFAR100SizeNotWholeRecords() throws {
        let folder = try TestFiles.makeFolder(self)
        // Three CIFAR-10-sized records are not a whole number of 3,074-byte CIFAR-100 records.
        let path = try TestFiles.write(TestFiles.cifar10File(labels: [1, 2, 3]), folder, "train.bin")
        _ = try TestFiles.write([], folder, "test.bin")
        assertThrows(.partialRecord(path: path, size: 3 * 3073, recordSize: 3074), mentions: ["train.bin", "3074"]) {
            try Dataset.load(from: folder)
        }
    }

    func testCIFARLabelOutOfRange() throws {
        let folder = try TestFiles.cifar10Folder(self)
        let path = try TestFiles.write(TestFiles.cifar10File(labels: [4, 10, 2]), folder, "test_batch.bin")
        assertThrows(.labelOutOfRange(path: path, record: 1, byteOffset: 3073, value: 10, classCount: 10),
                     mentions: ["test_batch.bin", "record 1", "label 10"]) { try Dataset.load(from: folder) }
    }

    func testCIFAR100FineLabelOutOfRange() throws {
        let folder = try TestFiles.makeFolder(self)
        let path = try TestFiles.write(TestFiles.cifarRecord(0, labels: [3, 100]), folder, "train.bin")
        _ = try TestFiles.write([], folder, "test.bin")
        assertThrows(.labelOutOfRange(path: path, record: 0, byteOffset: 1, value: 100, classCount: 100)) {
            try Dataset.load(from: folder)
        }
        // Coarse labels are bounded by 20.
        _ = try TestFiles.write(TestFiles.cifarRecord(0, labels: [20, 5]), folder, "train.bin")
        assertThrows(.labelOutOfRange(path: path, record: 0, byteOffset: 0, value: 20, classCount: 20)) {
            try Dataset.load(from: folder, options: DatasetLoadOptions(cifar100Labels: .coarse))
        }
    }

    func testWrongIDXMagic() throws {
        let folder = try TestFiles.idxFolder(self, gzipped: false)
        let path = try TestFiles.write(TestFiles.idxImages(count: 6, rows: 4, cols: 5, magic: 0x0801),
                                       folder, "train-images-idx3-ubyte")
        assertThrows(.wrongMagic(path: path, expected: 0x0803, found: 0x0801),
                     mentions: ["train-images-idx3-ubyte", "expected 0x00000803", "found 0x00000801"]) {
            try Dataset.load(from: folder)
        }
        let labels = try TestFiles.write(TestFiles.idxLabels([1, 2, 3], magic: 0x0803), folder, "t10k-labels-idx1-ubyte")
        assertThrows(.wrongMagic(path: labels, expected: 0x0801, found: 0x0803)) {
            try IDXReader.readLabels(labels, classCount: 10)
        }
    }

    func testIDXHeaderCountDisagreesWithFileSize() throws {
        let folder = try TestFiles.idxFolder(self, gzipped: true)
        // Header promises 6 images of 4×5 but only 5 images' bytes follow.
        let short = Array(TestFiles.idxImages(count: 6, rows: 4, cols: 5).dropLast(20))
        let path = try TestFiles.write(TestFiles.gzip(short), folder, "train-images-idx3-ubyte.gz")
        assertThrows(.headerSizeMismatch(path: path, header: "6 images of 4×5", expectedBytes: 120, actualBytes: 100),
                     mentions: ["train-images-idx3-ubyte.gz", "120", "100"]) { try Dataset.load(from: folder) }
        // Labels: header says 3, file has 4.
        let labels = try TestFiles.write(TestFiles.idxLabels([1, 2, 3, 4], count: 3), folder, "labels")
        assertThrows(.headerSizeMismatch(path: labels, header: "3 labels", expectedBytes: 3, actualBytes: 4)) {
            try IDXReader.readLabels(labels, classCount: 10)
        }
    }

    func testIDXTruncatedHeader() throws {
        let folder = try TestFiles.makeFolder(self)
        let path = try TestFiles.write(Array(TestFiles.idxImages(count: 1, rows: 1, cols: 1)[..<10]), folder, "images")
        assertThrows(.truncatedHeader(path: path, size: 10, headerSize: 16), mentions: ["images", "10 bytes"]) {
            try IDXReader.readImages(path)
        }
    }

    func testMismatchedImageAndLabelCounts() throws {
        let folder = try TestFiles.idxFolder(self, gzipped: false)
        let labels = try TestFiles.write(TestFiles.idxLabels([1, 2, 3, 4, 5]), folder, "train-labels-idx1-ubyte")
        assertThrows(.countMismatch(imagesPath: folder + "/train-images-idx3-ubyte", images: 6,
                                    labelsPath: labels, labels: 5),
                     mentions: ["6 images", "5 labels", "train-labels-idx1-ubyte"]) { try Dataset.load(from: folder) }
    }

    func testIDXLabelOutOfRange() throws {
        let folder = try TestFiles.idxFolder(self, gzipped: false)
        let path = try TestFiles.write(TestFiles.idxLabels([0, 1, 2]), folder, "t10k-labels-idx1-ubyte")
        _ = try TestFiles.write(TestFiles.idxLabels([0, 1, 2, 3, 200, 5]), folder, "train-labels-idx1-ubyte")
        assertThrows(.labelOutOfRange(path: folder + "/train-labels-idx1-ubyte", record: 4, byteOffset: 12,
                                      value: 200, classCount: 10), mentions: ["record 4", "label 200"]) {
            try Dataset.load(from: folder)
        }
        _ = path
    }

    func testCorruptGzip() throws {
        let folder = try TestFiles.idxFolder(self, gzipped: true)
        let good = TestFiles.gzip(TestFiles.idxImages(count: 6, rows: 4, cols: 5))
        var corrupt = good
        for i in 12..<min(30, corrupt.count - 8) { corrupt[i] ^= 0xA5 }
        let path = try TestFiles.write(corrupt, folder, "train-images-idx3-ubyte.gz")
        expectCorruptGzip(path, folder: folder)
        // Truncated: the second half of the stream is missing.
        _ = try TestFiles.write(Array(good[..<(good.count / 2)]), folder, "train-images-idx3-ubyte.gz")
        expectCorruptGzip(path, folder: folder, mentioning: "truncated")
        // Named .gz but not gzip at all.
        _ = try TestFiles.write(TestFiles.idxImages(count: 6, rows: 4, cols: 5), folder, "train-images-idx3-ubyte.gz")
        expectCorruptGzip(path, folder: folder, mentioning: "not gzip data")
        // Checksum mismatch: flip a byte of the stored CRC-32.
        var badCRC = good
        badCRC[badCRC.count - 6] ^= 0xFF
        _ = try TestFiles.write(badCRC, folder, "train-images-idx3-ubyte.gz")
        expectCorruptGzip(path, folder: folder)
    }

    private func expectCorruptGzip(_ path: String, folder: String, mentioning text: String? = nil,
                                   line: UInt = #line) {
        do {
            _ = try Dataset.load(from: folder)
            XCTFail("corrupt gzip was accepted", line: line)
        } catch let DatasetError.corruptGzip(errorPath, reason) {
            XCTAssertEqual(errorPath, path, line: line)
            if let text { XCTAssertTrue(reason.contains(text), "reason '\(reason)' lacks '\(text)'", line: line) }
        } catch {
            XCTFail("unexpected error \(error)", line: line)
        }
    }

    func testErrorsReadWell() {
        let error = DatasetError.partialRecord(path: "/d/data_batch_1.bin", size: 30_729_999, recordSize: 3073)
        XCTAssertEqual(error.description, "/d/data_batch_1.bin: size 30729999 bytes is not a whole number of "
            + "3073-byte records (9999 records + 3072 extra bytes; the file is truncated or not in this format)")
        XCTAssertEqual(error.errorDescription, error.description)
    }
}
