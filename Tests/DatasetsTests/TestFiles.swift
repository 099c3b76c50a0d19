import CZlib
import Foundation
import XCTest
@testable import Datasets

/// Writes dataset files in the exact on-disk formats, independently of the code under test.
enum TestFiles {
    /// A fresh temporary folder, removed when the test case finishes.
    static func makeFolder(_ test: XCTestCase) throws -> String {
        let path = NSTemporaryDirectory() + "rednas-datasets-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    static func write(_ bytes: [UInt8], _ folder: String, _ name: String) throws -> String {
        let path = folder + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Known pixel value for image `i`, channel `c`, row `y`, column `x` (distinct across c, y, x).
    static func pixel(_ i: Int, _ c: Int, _ y: Int, _ x: Int) -> UInt8 { UInt8((i * 7 + c * 101 + y * 13 + x * 3) % 256) }

    /// CIFAR record bytes: `labels` bytes then R, G, B planes (32×32 row-major) of `pixel(i, …)`.
    static func cifarRecord(_ i: Int, labels: [UInt8]) -> [UInt8] {
        var bytes = labels
        for c in 0..<3 { for y in 0..<32 { for x in 0..<32 { bytes.append(pixel(i, c, y, x)) } } }
        return bytes
    }

    static func cifar10File(labels: [UInt8], firstImage: Int = 0) -> [UInt8] {
        labels.enumerated().flatMap { cifarRecord(firstImage + $0.offset, labels: [$0.element]) }
    }

    /// A complete CIFAR-10 folder: `perFile` records in each of the 5 train files, `testCount` test
    /// records; image i (global over the train files) has label i % 10.
    static func cifar10Folder(_ test: XCTestCase, perFile: Int = 3, testCount: Int = 4) throws -> String {
        let folder = try makeFolder(test)
        for k in 0..<5 {
            let first = k * perFile
            _ = try write(cifar10File(labels: (first..<(first + perFile)).map { UInt8($0 % 10) }, firstImage: first),
                          folder, "data_batch_\(k + 1).bin")
        }
        _ = try write(cifar10File(labels: (0..<testCount).map { UInt8(9 - $0 % 10) }, firstImage: 1000),
                      folder, "test_batch.bin")
        return folder
    }

    /// IDX images file: magic 0x803, count, rows, cols (big-endian), then the bytes.
    static func idxImages(count: Int, rows: Int, cols: Int, magic: UInt32 = 0x0803, pixels: [UInt8]? = nil) -> [UInt8] {
        let data = pixels ?? (0..<(count * rows * cols)).map { UInt8(($0 * 31 + $0 / 7) % 256) }
        return bigEndian([magic, UInt32(count), UInt32(rows), UInt32(cols)]) + data
    }

    static func idxLabels(_ labels: [UInt8], magic: UInt32 = 0x0801, count: Int? = nil) -> [UInt8] {
        bigEndian([magic, UInt32(count ?? labels.count)]) + labels
    }

    static func bigEndian(_ words: [UInt32]) -> [UInt8] {
        words.flatMap { [UInt8($0 >> 24), UInt8(($0 >> 16) & 0xFF), UInt8(($0 >> 8) & 0xFF), UInt8($0 & 0xFF)] }
    }

    /// gzip-compresses `bytes` with zlib's deflate (windowBits 15 + 16 = gzip wrapper).
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        precondition(deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                   zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        var input = bytes
        let produced = input.withUnsafeMutableBufferPointer { inBuf in
            out.withUnsafeMutableBufferPointer { outBuf -> Int in
                stream.next_in = inBuf.baseAddress; stream.avail_in = uInt(inBuf.count)
                stream.next_out = outBuf.baseAddress; stream.avail_out = uInt(outBuf.count)
                precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
                return outBuf.count - Int(stream.avail_out)
            }
        }
        return Array(out[..<produced])
    }

    /// An IDX folder with `train` and `test` images of rows×cols, labels i % 10, optionally gzipped.
    static func idxFolder(_ test: XCTestCase, train: Int = 6, test testCount: Int = 3, rows: Int = 4, cols: Int = 5,
                          gzipped: Bool) throws -> String {
        let folder = try makeFolder(test)
        let ext = gzipped ? ".gz" : ""
        let pack = { (bytes: [UInt8]) in gzipped ? gzip(bytes) : bytes }
        _ = try write(pack(idxImages(count: train, rows: rows, cols: cols)), folder, "train-images-idx3-ubyte" + ext)
        _ = try write(pack(idxLabels((0..<train).map { UInt8($0 % 10) })), folder, "train-labels-idx1-ubyte" + ext)
        _ = try write(pack(idxImages(count: testCount, rows: rows, cols: cols)), folder, "t10k-images-idx3-ubyte" + ext)
        _ = try write(pack(idxLabels((0..<testCount).map { UInt8(($0 + 3) % 10) })), folder, "t10k-labels-idx1-ubyte" + ext)
        return folder
    }
}

/// Asserts that `body` throws a `DatasetError` equal to `expected` and whose description mentions
/// every string in `mentions`.
func assertThrows<T>(_ expected: DatasetError, mentions: [String] = [], file: StaticString = #filePath,
                     line: UInt = #line, _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected error \(expected)", file: file, line: line)
    } catch let error as DatasetError {
        XCTAssertEqual(error, expected, file: file, line: line)
        for text in mentions {
            XCTAssertTrue(error.description.contains(text), "'\(error.description)' lacks '\(text)'", file: file, line: line)
        }
    } catch {
        XCTFail("unexpected error type: \(error)", file: file, line: line)
    }
}
