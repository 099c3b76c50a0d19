import XCTest
@testable import Datasets

final class IDXReaderTests: XCTestCase {
    private func checkReadBack(gzipped: Bool) throws {
        let folder = try TestFiles.idxFolder(self, train: 6, test: 3, rows: 4, cols: 5, gzipped: gzipped)
        let data = try Dataset.load(from: folder)
        XCTAssertEqual(data.format, .idx)
        XCTAssertEqual(data.shape, ImageShape(channels: 1, height: 4, width: 5))
        XCTAssertEqual(data.train.count, 6)
        XCTAssertEqual(data.test.count, 3)
        XCTAssertEqual(data.train.labels, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(data.test.labels, [3, 4, 5])
        XCTAssertEqual(data.train.pixels, Array(TestFiles.idxImages(count: 6, rows: 4, cols: 5)[16...]))
        XCTAssertEqual(data.test.pixels, Array(TestFiles.idxImages(count: 3, rows: 4, cols: 5)[16...]))
        XCTAssertEqual(data.classCount, 10)
    }

    func testRawIDXReadsBackExactly() throws { try checkReadBack(gzipped: false) }
    func testGzipIDXReadsBackExactly() throws { try checkReadBack(gzipped: true) }

    func testMultiMemberGzipIsConcatenated() throws {
        let bytes = TestFiles.idxLabels([1, 2, 3, 4, 5, 6, 7])
        let twoMembers = TestFiles.gzip(Array(bytes[..<5])) + TestFiles.gzip(Array(bytes[5...]))
        XCTAssertEqual(try Gzip.decompress(twoMembers, path: "x.gz"), bytes)
    }

    func testLargeGzipRoundTripsAcrossManyChunks() throws {
        // Larger than the 1 MiB inflate chunk, with little redundancy.
        var generator = Randomness.SeededGenerator(seed: 5)
        let bytes = (0..<3_000_000).map { _ in UInt8(truncatingIfNeeded: generator.next() % 7) }
        XCTAssertEqual(try Gzip.decompress(TestFiles.gzip(bytes), path: "big.gz"), bytes)
    }

    func testRealFashionMNIST() throws {
        let folder = "/usr/share/datasets/fashion-mnist"
        guard FileManager.default.fileExists(atPath: folder) else { throw XCTSkip("\(folder) is not installed") }
        let data = try Dataset.load(from: folder)
        XCTAssertEqual(data.name, "Fashion-MNIST")
        XCTAssertEqual(data.train.count, 60_000)
        XCTAssertEqual(data.test.count, 10_000)
        XCTAssertEqual(data.classCount, 10)
        XCTAssertEqual(data.shape.dimensions, [1, 28, 28])
        XCTAssertEqual(data.classNames, fashionMNISTClassNames)
        XCTAssertEqual(data.train.classCounts(classCount: 10), Array(repeating: 6000, count: 10))
        XCTAssertEqual(data.test.classCounts(classCount: 10), Array(repeating: 1000, count: 10))
        // Widely published statistics of the Fashion-MNIST training images: mean 0.2860, std 0.3530.
        let stats = ChannelStatistics(data.train)
        XCTAssertEqual(stats.mean01[0], 0.2860, accuracy: 1e-4)
        XCTAssertEqual(stats.std01[0], 0.3530, accuracy: 1e-4)
        // The first training image is an ankle boot (label 9), as in the original release.
        XCTAssertEqual(data.train.labels[0], 9)
    }
}

import Randomness
