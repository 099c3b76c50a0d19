import XCTest
@testable import Datasets

final class SyntheticCIFARTests: XCTestCase {
    func testSynthFolderReadsBackThroughTheCIFAR10Reader() throws {
        let folder = try TestFiles.makeFolder(self) + "/synth"
        let synth = try SyntheticCIFAR(trainCount: 23, testCount: 7, classCount: 4, noise: 30, seed: 3)
        let written = try synth.write(to: folder)
        for (k, records) in [4, 5, 4, 5, 5].enumerated() {   // 23 records split as evenly as possible
            let size = try FileManager.default.attributesOfItem(atPath: folder + "/data_batch_\(k + 1).bin")[.size] as! Int
            XCTAssertEqual(size, records * 3073)
        }
        let read = try Dataset.load(from: folder)
        XCTAssertEqual(read, written)
        XCTAssertEqual(read.classNames, ["synthetic-0", "synthetic-1", "synthetic-2", "synthetic-3"])
        XCTAssertEqual(read.classCount, 4)
        XCTAssertEqual(try SyntheticCIFAR(trainCount: 23, testCount: 7, classCount: 4, noise: 30, seed: 3).generate(), written)
        XCTAssertNotEqual(try SyntheticCIFAR(trainCount: 23, testCount: 7, classCount: 4, noise: 30, seed: 4).generate(), written)
    }

    func testSyntheticClassesAreSeparableByNearestTemplate() throws {
        // The class signal must be learnable: the nearest noiseless template recovers every label.
        let data = try SyntheticCIFAR(trainCount: 0, testCount: 200, classCount: 10, noise: 60, seed: 1).generate()
        let templates = (0..<10).map(SyntheticCIFAR.template)
        for i in 0..<data.test.count {
            let image = data.test.image(i).map(Double.init)
            let distances = templates.map { t in zip(t, image).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
            XCTAssertEqual(distances.firstIndex(of: distances.min()!), Int(data.test.labels[i]))
        }
        XCTAssertEqual(Set(data.test.labels).count, 10)
    }

    func testZeroImagesAndInvalidArguments() throws {
        let folder = try TestFiles.makeFolder(self)
        try SyntheticCIFAR(trainCount: 0, testCount: 0).write(to: folder)
        let read = try Dataset.load(from: folder)
        XCTAssertEqual(read.train.count + read.test.count, 0)
        XCTAssertThrowsError(try SyntheticCIFAR(trainCount: 1, testCount: 1, classCount: 11))
        XCTAssertThrowsError(try SyntheticCIFAR(trainCount: -1, testCount: 1))
        XCTAssertThrowsError(try SyntheticCIFAR(trainCount: 1, testCount: 1, noise: -2))
    }
}
