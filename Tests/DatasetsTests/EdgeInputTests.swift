import Foundation
import XCTest
@testable import Datasets

/// Inputs at the edges (issue 21): headers whose sizes overflow or exceed memory, shortened
/// batch files, streams instead of files, files where folders belong.
final class EdgeInputTests: XCTestCase {
    private func message<T>(_ body: () throws -> T) -> String {
        do { _ = try body(); return "no error" } catch { return "\(error)" }
    }

    func testIDXHeaderWhoseSizeOverflowsIsRefused() throws {
        let folder = try TestFiles.makeFolder(self)
        let max = UInt32.max
        let path = try TestFiles.write(TestFiles.bigEndian([0x803, max, max, max]) + [1, 2, 3], folder, "images")
        let text = message { try IDXReader.readImages(path) }
        XCTAssertTrue(text.hasPrefix("\(path): header says 4294967295 images of 4294967295×4294967295 = "), text)
        XCTAssertTrue(text.contains("more than this machine's memory"), text)
    }

    func testGzipHeaderClaimingTerabytesIsRefusedBeforeDecompressing() throws {
        let folder = try TestFiles.makeFolder(self)
        let bytes = TestFiles.gzip(TestFiles.bigEndian([0x803, UInt32.max, 28, 28]) + [UInt8](repeating: 0, count: 100))
        let path = try TestFiles.write(bytes, folder, "train-images-idx3-ubyte.gz")
        let text = message { try IDXReader.readImages(path) }
        XCTAssertTrue(text.hasPrefix("\(path): header says 4294967295 images of 28×28 = 3.1 TiB of pixels"), text)
    }

    func testZeroSizedImagesAreRefused() throws {
        let folder = try TestFiles.makeFolder(self)
        let path = try TestFiles.write(TestFiles.bigEndian([0x803, 3, 0, 28]), folder, "images")
        XCTAssertEqual(message { try IDXReader.readImages(path) },
                       "\(path): header says 3 images of 0×28: an image must have at least one row and one column")
    }

    func testGzipOutputIsBoundedByTheLimit() throws {
        let folder = try TestFiles.makeFolder(self)
        let path = try TestFiles.write(TestFiles.gzip([UInt8](repeating: 7, count: 5000)), folder, "big.gz")
        assertThrows(.tooLarge(path: path, bytes: nil, limit: 4096)) {
            try BinaryFile.readMaybeGzipped(path, limit: 4096)
        }
        XCTAssertEqual(try BinaryFile.readMaybeGzipped(path, limit: 5000).count, 5000)
    }

    func testEmptyOrShortenedCIFARBatchIsAnError() throws {
        let folder = try TestFiles.cifar10Folder(self, perFile: 4, testCount: 2)
        _ = try TestFiles.write([], folder, "data_batch_3.bin")
        XCTAssertEqual(message { try Dataset.load(from: folder) },
                       "\(folder)/data_batch_3.bin: is empty (0 bytes) but \(folder)/data_batch_1.bin holds 4: the batch files "
                           + "of one dataset hold the same number of records (±1), so this file is truncated or replaced")
        // Cut at a record boundary: 2 records where the others hold 4.
        _ = try TestFiles.write(TestFiles.cifar10File(labels: [1, 2]), folder, "data_batch_3.bin")
        XCTAssertTrue(message { try Dataset.load(from: folder) }.hasPrefix("\(folder)/data_batch_3.bin: holds 2 records but"))
        // As evenly as possible (±1) is fine: 3 records where the others hold 4.
        _ = try TestFiles.write(TestFiles.cifar10File(labels: [1, 2, 3]), folder, "data_batch_3.bin")
        XCTAssertEqual(try Dataset.load(from: folder).train.count, 19)
    }

    func testAStreamIsReadAndADeviceStopsAtTheLimit() throws {
        let folder = try TestFiles.makeFolder(self)
        let fifo = folder + "/records.fifo"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let content = TestFiles.cifar10File(labels: [3, 1])
        DispatchQueue.global().async {
            let handle = FileHandle(forWritingAtPath: fifo)
            handle?.write(Data(content))
            try? handle?.close()
        }
        XCTAssertEqual(try BinaryFile.read(fifo), content)
        assertThrows(.tooLarge(path: "/dev/zero", bytes: nil, limit: 1 << 20)) { try BinaryFile.read("/dev/zero", limit: 1 << 20) }
        let file = try TestFiles.write([1, 2, 3], folder, "three")
        assertThrows(.tooLarge(path: file, bytes: 3, limit: 2)) { try BinaryFile.read(file, limit: 2) }
        assertThrows(.unreadableFile(path: folder, reason: "is a folder, not a file")) { try BinaryFile.read(folder) }
    }

    func testAFileGivenAsAnIDXFolderIsNamedAsGiven() throws {
        let folder = try TestFiles.idxFolder(self, gzipped: false)
        let notes = try TestFiles.write(Array("notes".utf8), folder, "notes.txt")
        let text = message { try Dataset.load(from: notes, options: DatasetLoadOptions(format: .idx)) }
        XCTAssertTrue(text.hasPrefix("\(notes): is a file, not an IDX dataset folder"), text)
        // One of the IDX files still stands for its folder, as documented.
        XCTAssertEqual(try Dataset.load(from: folder + "/train-images-idx3-ubyte").train.count, 6)
    }
}
