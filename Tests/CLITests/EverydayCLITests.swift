import Foundation
import XCTest

/// Issue 22: the installed binary works from any folder, every config RedNAS writes works with
/// every command, and `rednas eval` / `rednas msrs` score saved weights with the config's threads.
final class EverydayCLITests: XCTestCase {
    private var workspace: URL!
    private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    override func setUpWithError() throws {
        workspace = FileManager.default.temporaryDirectory.appendingPathComponent("everyday-\(UUID())")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        let synth = try CLIRunner.run(["data", "synth", "--out", data.path, "--train", "300", "--test", "90",
                                       "--classes", "3", "--seed", "2"])
        XCTAssertEqual(synth.status, 0, synth.stderr)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: workspace) }

    private var data: URL { workspace.appendingPathComponent("data") }

    private func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    private let sections = """
        network:
          channels: 2
          cells: 1
        training:
          epochs: 1
          batch_size: 64
        seed: 1
        threads: 2
        """

    /// Installed with scripts/install.sh into a temporary prefix, the binary runs a search from a
    /// folder that holds no SearchSpaces/ (the standard space is built in); the MSRS `rednas msrs`
    /// measures on a candidate's weights with the run's config is the journal's, to the bit.
    func testTheInstalledBinarySearchesFromAnyFolderAndMSRSMatchesTheRecord() throws {
        let prefix = workspace.appendingPathComponent("prefix")
        let install = Process()
        install.executableURL = URL(fileURLWithPath: "/bin/bash")
        install.arguments = [repository.appendingPathComponent("scripts/install.sh").path, "--no-build", prefix.path]
        install.environment = ProcessInfo.processInfo.environment.merging(["REDNAS_BINARY": CLIRunner.executable.path]) { $1 }
        try install.run(); install.waitUntilExit()
        XCTAssertEqual(install.terminationStatus, 0)
        let installed = prefix.appendingPathComponent("bin/rednas").path
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: installed))

        let folder = workspace.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
            dataset:
              kind: cifar10
              path: \(data.path)
              split: holdout
              valid_count: 60
            \(sections)
            msrs:
              batches: 1
              batch_size: 60
            search:
              population: 2
              sample_size: 1
              budget:
                evaluations: 2
            """.write(to: folder.appendingPathComponent("tiny.yaml"), atomically: true, encoding: .utf8)
        let search = Process()
        search.executableURL = URL(fileURLWithPath: installed)
        search.arguments = ["search", "--config", "tiny.yaml", "--run-dir", "run", "--quiet"]
        search.currentDirectoryURL = folder
        let err = Pipe(); search.standardError = err; search.standardOutput = Pipe()
        try search.run()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        search.waitUntilExit()
        XCTAssertEqual(search.terminationStatus, 0, errText)
        let run = folder.appendingPathComponent("run")
        let journal = try String(contentsOf: run.appendingPathComponent("journal.jsonl"), encoding: .utf8)
        // The journal's first line binds it to the run (fingerprint); evaluation records follow.
        let records = try journal.split(separator: "\n").map { try json(String($0)) }
        let metrics = try XCTUnwrap(records.lazy.compactMap { $0["metrics"] as? [String: Any] }.first)
        let recorded = try XCTUnwrap(metrics["msrs"] as? Double)
        let candidates = try FileManager.default.contentsOfDirectory(atPath: run.appendingPathComponent("candidates").path).sorted()
        let weights = run.appendingPathComponent("candidates/\(candidates[0])/weights.safetensors")

        let msrs = try CLIRunner.run(["msrs", "--config", run.appendingPathComponent("config.yaml").path,
                                      "--weights", weights.path, "--json"], in: folder)
        XCTAssertEqual(msrs.status, 0, msrs.stderr)
        let measured = try json(msrs.stdout)
        XCTAssertEqual(measured["threads"] as? Int, 2, "the config's threads")
        XCTAssertEqual(measured["msrs"] as? Double, recorded, "the same bits as the search's record")
    }

    /// `rednas train` writes a config.yaml with `arch`; `msrs` and `eval` take it, and `eval`
    /// reproduces the figures training recorded for its final weights.
    func testEvalAndMSRSTakeTheConfigTrainWrites() throws {
        let config = workspace.appendingPathComponent("train.yaml")
        try """
            dataset:
              kind: cifar10
              path: \(data.path)
              split: holdout
              valid_count: 50
            \(sections)
            """.write(to: config, atomically: true, encoding: .utf8)
        let out = workspace.appendingPathComponent("trained")
        let train = try CLIRunner.run(["train", "--config", config.path, "--arch", "9930", "--out", out.path, "--quiet"])
        XCTAssertEqual(train.status, 0, train.stderr)
        let written = out.appendingPathComponent("config.yaml").path
        XCTAssertTrue(try String(contentsOfFile: written, encoding: .utf8).contains("arch:"))
        let weights = out.appendingPathComponent("weights.safetensors").path
        let final = try XCTUnwrap(try json(String(contentsOfFile: out.appendingPathComponent("metrics.json").path,
                                                  encoding: .utf8))["final"] as? [String: Any])

        let msrs = try CLIRunner.run(["msrs", "--config", written, "--weights", weights, "--json", "--set", "msrs.batch_size=50"])
        XCTAssertEqual(msrs.status, 0, msrs.stderr)

        for (split, images, key) in [("test", 90, "test"), ("valid", 50, "valid"), ("train", 250, "train")] {
            let eval = try CLIRunner.run(["eval", "--config", written, "--weights", weights, "--split", split, "--json"])
            XCTAssertEqual(eval.status, 0, eval.stderr)
            let e = try json(eval.stdout)
            XCTAssertEqual(e["images"] as? Int, images, split)
            XCTAssertEqual(e["index"] as? Int, 9930)
            XCTAssertEqual(e["threads"] as? Int, 2)
            let perClass = try XCTUnwrap(e["per_class"] as? [[String: Any]])
            XCTAssertEqual(perClass.count, 3)
            XCTAssertEqual(perClass.compactMap { $0["images"] as? Int }.reduce(0, +), images)
            XCTAssertEqual(perClass.compactMap { $0["correct"] as? Int }.reduce(0, +), e["correct"] as? Int)
            if key != "train" {  // training's own train figures are running averages in train mode
                XCTAssertEqual(e["accuracy"] as? Double, final["\(key)_accuracy"] as? Double, split)
                XCTAssertEqual(e["loss"] as? Double, final["\(key)_loss"] as? Double, split)
            }
        }
        let text = try CLIRunner.run(["eval", "--config", written, "--weights", weights])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("test: 90 images, accuracy "), text.stdout)
        let typo = try CLIRunner.run(["eval", "--config", written, "--weights", weights, "--set", "serch.population=3"])
        XCTAssertNotEqual(typo.status, 0)
        XCTAssertTrue(typo.stderr.contains("serch"), typo.stderr)
    }
}
