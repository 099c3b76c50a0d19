import XCTest
@testable import Datasets

final class CIFARReaderTests: XCTestCase {
    func testCIFAR10FolderReadsBackExactly() throws {
        let folder = try TestFiles.cifar10Folder(self, perFile: 3, testCount: 4)
        let data = try Dataset.load(from: folder)
        XCTAssertEqual(data.format, .cifar10)
        XCTAssertEqual(data.name, "CIFAR-10")
        XCTAssertEqual(data.shape, ImageShape(channels: 3, height: 32, width: 32))
        XCTAssertEqual(data.train.count, 15)
        XCTAssertEqual(data.test.count, 4)
        XCTAssertEqual(data.train.labels, (0..<15).map { Int32($0 % 10) })
        XCTAssertEqual(data.test.labels, [9, 8, 7, 6])
        XCTAssertEqual(data.classNames, cifar10ClassNames)
        // Every byte of every image: plane c, row y, column x sits at c·1024 + y·32 + x.
        for i in 0..<15 {
            let image = Array(data.train.image(i))
            for c in 0..<3 { for y in 0..<32 { for x in 0..<32 {
                XCTAssertEqual(image[c * 1024 + y * 32 + x], TestFiles.pixel(i, c, y, x))
            } } }
        }
        // Spot checks against the raw record layout (R plane first, then G, then B).
        let image3 = Array(data.test.image(3))
        XCTAssertEqual(image3[0], TestFiles.pixel(1003, 0, 0, 0))
        XCTAssertEqual(image3[1024 + 5 * 32 + 7], TestFiles.pixel(1003, 1, 5, 7))
        XCTAssertEqual(image3[2048 + 31 * 32 + 31], TestFiles.pixel(1003, 2, 31, 31))
    }

    func testCIFAR10MetaFileGivesClassNamesAndCount() throws {
        let folder = try TestFiles.cifar10Folder(self)
        _ = try TestFiles.write(Array("cat\ndog\n\n".utf8), folder, "batches.meta.txt")
        // Labels 0...9 are in the files, but the meta file declares only 2 classes.
        assertThrows(.labelOutOfRange(path: folder + "/data_batch_1.bin", record: 2, byteOffset: 2 * 3073,
                                      value: 2, classCount: 2), mentions: ["data_batch_1.bin", "record 2"]) {
            try Dataset.load(from: folder)
        }
    }

    func testExplicitCIFAR10FilesAndZeroRecordFile() throws {
        let folder = try TestFiles.makeFolder(self)
        let a = try TestFiles.write(TestFiles.cifar10File(labels: [3, 1]), folder, "a.bin")
        let empty = try TestFiles.write([], folder, "empty.bin")
        let b = try TestFiles.write(TestFiles.cifar10File(labels: [5], firstImage: 2), folder, "b.bin")
        let data = try CIFARReader.readCIFAR10(trainFiles: [a, empty, b], testFiles: [empty])
        XCTAssertEqual(data.train.labels, [3, 1, 5])
        XCTAssertEqual(Array(data.train.image(2)), TestFiles.cifarRecord(2, labels: []))
        XCTAssertEqual(data.test.count, 0)
    }

    func testCIFAR100FineAndCoarseLabels() throws {
        let folder = try TestFiles.makeFolder(self)
        let records: [(coarse: UInt8, fine: UInt8)] = [(19, 99), (0, 42), (7, 0)]
        let train = records.enumerated().flatMap { TestFiles.cifarRecord($0.offset, labels: [$0.element.coarse, $0.element.fine]) }
        _ = try TestFiles.write(train, folder, "train.bin")
        _ = try TestFiles.write(TestFiles.cifarRecord(50, labels: [4, 77]), folder, "test.bin")
        let fine = try Dataset.load(from: folder)
        XCTAssertEqual(fine.format, .cifar100)
        XCTAssertEqual(fine.classCount, 100)
        XCTAssertEqual(fine.train.labels, [99, 42, 0])
        XCTAssertEqual(fine.test.labels, [77])
        XCTAssertEqual(Array(fine.train.image(1)), TestFiles.cifarRecord(1, labels: []))
        XCTAssertEqual(Array(fine.test.image(0)).prefix(3), [TestFiles.pixel(50, 0, 0, 0), TestFiles.pixel(50, 0, 0, 1),
                                                              TestFiles.pixel(50, 0, 0, 2)])
        let coarse = try Dataset.load(from: folder, options: DatasetLoadOptions(cifar100Labels: .coarse))
        XCTAssertEqual(coarse.classCount, 20)
        XCTAssertEqual(coarse.train.labels, [19, 0, 7])
        XCTAssertEqual(coarse.test.labels, [4])
    }

    func testFormatDetection() throws {
        let cifar = try TestFiles.cifar10Folder(self)
        XCTAssertEqual(try DatasetFormat.detect(at: cifar), .cifar10)
        XCTAssertEqual(try DatasetFormat.detect(at: cifar + "/test_batch.bin"), .cifar10)
        let idx = try TestFiles.idxFolder(self, gzipped: true)
        XCTAssertEqual(try DatasetFormat.detect(at: idx), .idx)
        let other = try TestFiles.makeFolder(self)
        _ = try TestFiles.write([1, 2, 3], other, "notes.txt")
        XCTAssertThrowsError(try DatasetFormat.detect(at: other))
        // A forced format overrides detection: the CIFAR folder is not an IDX dataset.
        XCTAssertThrowsError(try Dataset.load(from: cifar, options: DatasetLoadOptions(format: .idx)))
    }

    func testSingleFileLoadsAsTheMatchingPart() throws {
        let folder = try TestFiles.cifar10Folder(self, perFile: 2, testCount: 3)
        let test = try Dataset.load(from: folder + "/test_batch.bin")
        XCTAssertEqual(test.test.count, 3)
        XCTAssertEqual(test.train.count, 0)
        let train = try Dataset.load(from: folder + "/data_batch_2.bin")
        XCTAssertEqual(train.train.labels, [2, 3])
    }
}
