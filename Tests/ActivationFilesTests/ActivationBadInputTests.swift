import ActivationFiles
import Foundation
import Persistence
import Redundancy
import XCTest

/// Every kind of bad activation input is a typed error whose message names the file and the tensor.
final class ActivationBadInputTests: XCTestCase {
    private var dir: URL!
    override func setUpWithError() throws { dir = try ActivationFixture.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func url(_ name: String) -> URL { dir.appendingPathComponent(name) }

    /// Opens and measures `urls`, expecting an error whose text names `file` and `tensor`.
    private func assertFails(_ urls: [URL], file: URL, tensor: String?, mentions: String,
                             line: UInt = #line) {
        do {
            let set = try ActivationSet(urls: urls)
            _ = try ActivationRedundancy.measure(set)
            XCTFail("expected an error", line: line)
        } catch let error as ActivationError {
            let text = error.description
            XCTAssertTrue(text.hasPrefix(file.path + ":"), text, line: line)
            if let tensor { XCTAssertTrue(text.contains("'\(tensor)'"), text, line: line) }
            XCTAssertTrue(text.contains(mentions), text, line: line)
        } catch {
            XCTFail("unexpected error type: \(error)", line: line)
        }
    }

    func testMismatchedSampleCounts() throws {
        var taps = ActivationFixture.network(samples: 8, seed: 1)
        taps[2] = .init(name: "block2", shape: [7, 6, 2, 2], values: ActivationFixture.eighths(count: 7 * 24, seed: 2))
        let f = try ActivationFixture.write(taps, to: url("n.safetensors"))
        assertFails([f], file: f, tensor: "block2", mentions: "7 samples but 'block0' has 8")
    }

    func testTooFewSamples() throws {
        let f = try ActivationFixture.write(ActivationFixture.network(samples: 3, seed: 1), to: url("few.safetensors"))
        assertFails([f], file: f, tensor: "block0", mentions: "at least 4")
    }

    func testNonFloatDtype() throws {
        var entries = ActivationFixture.network(samples: 4, seed: 1).map {
            SafeTensors.Entry.float32($0.name, shape: $0.shape, values: $0.values)
        }
        entries[1] = SafeTensors.Entry(name: "block1", dtype: .i32, shape: [4, 3, 4, 4], bytes: Data(count: 4 * 48 * 4))
        let f = url("int.safetensors")
        try SafeTensors(entries: entries, metadata: ActivationFormat.metadata(taps: entries.map(\.name))).encoded().write(to: f)
        assertFails([f], file: f, tensor: "block1", mentions: "dtype I32")
    }

    func testUnknownDtypeNameIsNamedToo() throws {
        // A dtype this project has no enum case for (PyTorch's float8) must still be reported by name.
        let f = url("f8.safetensors")
        let values = ActivationFixture.eighths(count: 8, seed: 1)
        let header: [String: Any] = [
            "__metadata__": ActivationFormat.metadata(taps: ["a", "b"]),
            "a": ["dtype": "F32", "shape": [4, 2], "data_offsets": [0, 32]],
            "b": ["dtype": "F8_E4M3", "shape": [4, 2], "data_offsets": [32, 40]],
        ]
        let json = try JSONSerialization.data(withJSONObject: header)
        var file = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Data($0) }
        file += json + values.withUnsafeBytes { Data($0) } + Data(count: 8)
        try file.write(to: f)
        assertFails([f], file: f, tensor: "b", mentions: "dtype F8_E4M3")
    }

    func testMissingTensorNamedInMetadata() throws {
        let taps = ActivationFixture.network(samples: 4, seed: 1)
        let f = try ActivationFixture.write(taps, to: url("missing.safetensors"),
                                            metadata: ActivationFormat.metadata(taps: taps.map(\.name) + ["head"]))
        assertFails([f], file: f, tensor: "head", mentions: "not in the file")
    }

    func testMissingOrMalformedMetadata() throws {
        let taps = ActivationFixture.network(samples: 4, seed: 1)
        let none = try ActivationFixture.write(taps, to: url("nometa.safetensors"), metadata: ["producer": "x"])
        assertFails([none], file: none, tensor: nil, mentions: "metadata 'taps' is missing")
        let bad = try ActivationFixture.write(taps, to: url("badmeta.safetensors"), metadata: ["taps": "block0,block1"])
        assertFails([bad], file: bad, tensor: nil, mentions: "not a JSON array")
    }

    func testNaNAndInfinityValues() throws {
        for (name, value) in [("nan", Float.nan), ("inf", -Float.infinity)] {
            var taps = ActivationFixture.network(samples: 4, seed: 1)
            taps[2].values[5] = value
            let f = try ActivationFixture.write(taps, to: url("\(name).safetensors"))
            assertFails([f], file: f, tensor: "block2", mentions: "element 5")
        }
        // In a batched file the batch is named too.
        var stacked = ActivationFixture.network(samples: 4, seed: 1)
        stacked[1] = .init(name: "block1", shape: [2] + stacked[1].shape, values: stacked[1].values + stacked[1].values)
        for t in [0, 2, 3] { stacked[t] = .init(name: stacked[t].name, shape: [2] + stacked[t].shape, values: stacked[t].values + stacked[t].values) }
        stacked[1].values[stacked[1].values.count - 1] = .nan
        let f = try ActivationFixture.write(stacked, to: url("batched-nan.safetensors"), batched: true)
        assertFails([f], file: f, tensor: "block1", mentions: "batch 1")
    }

    func testTruncatedFiles() throws {
        let f = try ActivationFixture.write(ActivationFixture.network(samples: 4, seed: 1), to: url("cut.safetensors"))
        let full = try Data(contentsOf: f)
        // The fixture writes taps in reverse, so block0 is the last tensor in the file.
        try full.prefix(full.count - 10).write(to: f)
        assertFails([f], file: f, tensor: "block0", mentions: "truncated")
        try full.prefix(30).write(to: f)
        assertFails([f], file: f, tensor: nil, mentions: "exceeds the file size")
        try full.prefix(5).write(to: f)
        assertFails([f], file: f, tensor: nil, mentions: "shorter than the 8-byte header length")
    }

    func testFilesThatDisagree() throws {
        let a = try ActivationFixture.write(ActivationFixture.network(samples: 4, seed: 1), to: url("a.safetensors"))
        let other = ActivationFixture.network(samples: 4, seed: 1, shapes: [[3, 4, 4], [3, 4, 4], [6, 2, 2]])
        let b = try ActivationFixture.write(other, to: url("b.safetensors"))
        assertFails([a, b], file: b, tensor: nil, mentions: "differ from those of \(a.path)")
        let wider = ActivationFixture.network(samples: 4, seed: 1, shapes: [[3, 4, 4], [3, 4, 4], [6, 2, 2], [7, 2, 2]])
        let c = try ActivationFixture.write(wider, to: url("c.safetensors"))
        assertFails([a, c], file: c, tensor: "block3", mentions: "per-sample shape [7, 2, 2] differs from [6, 2, 2]")
    }

    func testNoFilesIsAnError() {
        XCTAssertThrowsError(try ActivationSet(urls: [])) { XCTAssertEqual($0 as? ActivationError, .noFiles) }
    }
}
