import Foundation
import XCTest

/// `rednas msrs --activations` and `rednas prune-plan` as a user runs them, on safetensors files
/// written here byte by byte (8-byte header length, JSON header, little-endian float32 data).
final class ActivationCLITests: XCTestCase {
    private var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("activation-cli-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    /// Writes float32 tensors (name, shape, values) in tap order with the format's metadata.
    @discardableResult
    private func write(_ name: String, _ tensors: [(String, [Int], [Float])], labels: [String]? = nil) throws -> String {
        var header: [String: Any] = [:]
        var data = Data(), offset = 0
        for (tensor, shape, values) in tensors {
            header[tensor] = ["dtype": "F32", "shape": shape, "data_offsets": [offset, offset + 4 * values.count]]
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            offset += 4 * values.count
        }
        let taps = String(decoding: try JSONSerialization.data(withJSONObject: tensors.map(\.0)), as: UTF8.self)
        var metadata = ["taps": taps]
        if let labels { metadata["labels"] = String(decoding: try JSONSerialization.data(withJSONObject: labels), as: UTF8.self) }
        header["__metadata__"] = metadata
        let json = try JSONSerialization.data(withJSONObject: header)
        var file = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file += json + data
        let url = dir.appendingPathComponent(name)
        try file.write(to: url)
        return url.path
    }

    private func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    func testMSRSOfTheSpecVectorWithHeatmap() throws {
        let f = try write("spec.safetensors", [
            ("x", [6, 2], [1, 2, 3, 1, 0, -1, 2, 2, -1, 0, 4, 3]),
            ("y", [6, 3], [1, 0, 2, 2, 1, 0, 0, 0, -1, 1, 2, 1, -1, 1, 0, 3, 1, 2]),
        ], labels: ["X", "Y"])
        let svg = dir.appendingPathComponent("cka.svg").path
        let r = try CLIRunner.run(["msrs", "--activations", f, "--json", "--heatmap", svg])
        XCTAssertEqual(r.status, 0, r.stderr)
        let o = try json(r.stdout)
        let cka = try XCTUnwrap(o["cka"] as? [[Double]])
        XCTAssertEqual(cka[0][1], 0.919611882137, accuracy: 1e-11)
        XCTAssertEqual(o["msrs"] as! Double, 1 / (1 + exp(-200 * (0.919611882137 - 0.8))), accuracy: 1e-9)
        XCTAssertEqual(o["msrs_normalized"] as! Double, o["msrs"] as! Double, accuracy: 1e-15)
        XCTAssertEqual(o["labels"] as? [String], ["X", "Y"])
        XCTAssertEqual(o["batches_used"] as? Int, 1)
        XCTAssertTrue(try String(contentsOfFile: svg, encoding: .utf8).contains("<svg"))

        let biased = try CLIRunner.run(["msrs", "--activations", f, "--kind", "biased", "--json"])
        XCTAssertEqual(biased.status, 0, biased.stderr)
        XCTAssertEqual((try json(biased.stdout)["cka"] as! [[Double]])[0][1], 0.939546525614, accuracy: 1e-11)

        let text = try CLIRunner.run(["msrs", "--activations", f, f])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("batches used 2 of 2 (12 samples, gap, unbiased CKA)"), text.stdout)
        XCTAssertTrue(text.stdout.contains("X→ 0.920"), text.stdout)
    }

    func testActivationsExcludeConfigAndWeights() throws {
        let f = try write("a.safetensors", [("a", [4, 1], [1, 2, 3, 4]), ("b", [4, 1], [2, 1, 4, 3])])
        let both = try CLIRunner.run(["msrs", "--activations", f, "--config", "c.yaml", "--weights", "w.safetensors"])
        XCTAssertNotEqual(both.status, 0)
        XCTAssertTrue(both.stderr.contains("--activations cannot be combined with --config"), both.stderr)
        let neither = try CLIRunner.run(["msrs"])
        XCTAssertNotEqual(neither.status, 0)
        XCTAssertTrue(neither.stderr.contains("--activations FILE"), neither.stderr)
        let pooling = try CLIRunner.run(["msrs", "--config", "c.yaml", "--weights", "w.safetensors", "--pooling", "flatten"])
        XCTAssertNotEqual(pooling.status, 0)
        XCTAssertTrue(pooling.stderr.contains("--pooling and --kind go with --activations"), pooling.stderr)
    }

    func testBadFileIsAClearErrorNotACrash() throws {
        let f = try write("short.safetensors", [("a", [4, 1], [1, 2, 3, 4]), ("b", [3, 1], [2, 1, 4])])
        let r = try CLIRunner.run(["msrs", "--activations", f])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("\(f): tensor 'b' has 3 samples but 'a' has 4"), r.stderr)
        XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr)
        let missing = try CLIRunner.run(["prune-plan", "--activations", dir.appendingPathComponent("nope.safetensors").path, "--keep", "1"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("nope.safetensors: cannot open"), missing.stderr)
    }

    func testPrunePlanReproducesTheResNet56Check() throws {
        // 28 one-feature taps built so that neighbours' biased CKA is the spec's ResNet-56 vector
        // (corr² of centred unit vectors; see ActivationPrunePlanTests.chainTaps).
        let targets: [Double] = [
            0.8040034, 0.9623917, 0.9816055, 0.9818996, 0.9646843, 0.9950012, 0.96210957, 0.95488405, 0.9958612,
            0.9714489, 0.99030924, 0.9881511, 0.99465436, 0.99431086, 0.9923767, 0.9919683, 0.9893893, 0.9911849,
            0.9701058, 0.9823101, 0.9843625, 0.98163974, 0.966809, 0.93328685, 0.9032259, 0.8794835, 0.8777317,
        ]
        let n = 64
        var state: UInt64 = 99
        func unitCentred(orthogonalTo x: [Double]?) -> [Double] {
            var v = (0..<n).map { _ -> Double in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Double(state >> 11) * 0x1p-53 - 0.5
            }
            let mean = v.reduce(0, +) / Double(n)
            v = v.map { $0 - mean }
            if let x { let d = zip(v, x).reduce(0) { $0 + $1.0 * $1.1 }; v = zip(v, x).map { $0 - d * $1 } }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / norm }
        }
        var x = unitCentred(orthogonalTo: nil)
        var tensors: [(String, [Int], [Float])] = [("conv1", [n, 1], x.map { Float($0) })]
        for (k, t) in targets.enumerated() {
            let e = unitCentred(orthogonalTo: x)
            x = zip(x, e).map { t.squareRoot() * $0 + (1 - t).squareRoot() * $1 }
            tensors.append(("layer.\(k)", [n, 1], x.map { Float($0) }))
        }
        let f = try write("resnet56.safetensors", tensors)

        let r = try CLIRunner.run(["prune-plan", "--activations", f, "--kind", "biased", "--keep", "13", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let o = try json(r.stdout)
        XCTAssertEqual(o["kept"] as? [Int], [0, 1, 2, 4, 6, 7, 9, 18, 22, 23, 24, 25, 26])
        XCTAssertEqual(o["keep"] as? Int, 13)
        XCTAssertEqual(o["stem"] as? String, "conv1")
        let blocks = try XCTUnwrap(o["blocks"] as? [[String: Any]])
        XCTAssertEqual(blocks.count, 27)
        XCTAssertEqual(blocks[3]["tensor"] as? String, "layer.3")
        XCTAssertEqual(blocks[3]["keep"] as? Bool, false)
        XCTAssertEqual(blocks[3]["similarity"] as! Double, 0.9818996, accuracy: 2e-6)

        let text = try CLIRunner.run(["prune-plan", "--activations", f, "--kind", "biased", "--ratio", "0.5"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("27 blocks after stem 'conv1': keep 14, remove 13"), text.stdout)

        let both = try CLIRunner.run(["prune-plan", "--activations", f, "--keep", "3", "--ratio", "0.5"])
        XCTAssertNotEqual(both.status, 0)
        XCTAssertTrue(both.stderr.contains("exactly one of --keep K or --ratio R"), both.stderr)
    }
}
