import Foundation
import XCTest

/// `rednas export` as a user takes it further: normalisation, constructor arguments and a PyTorch
/// recipe, the top-K and the Pareto front, a full-protocol retrain config, a YAML form to copy from.
final class ExportCLITests: XCTestCase {
    private var workspace: URL!

    override func setUpWithError() throws {
        // A long folder name: YAML would fold the commands at 80 columns.
        workspace = FileManager.default.temporaryDirectory
            .appendingPathComponent("export-cli-\(UUID())-a-folder-name-long-enough-to-push-commands-past-eighty-columns")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        let synth = try CLIRunner.run(["data", "synth", "--out", workspace.appendingPathComponent("data").path,
                                       "--train", "200", "--test", "32", "--classes", "3", "--seed", "9"])
        XCTAssertEqual(synth.status, 0, synth.stderr)
        let config = """
            dataset:
              kind: cifar10
              path: \(workspace.appendingPathComponent("data").path)
              split: holdout
              valid_count: 40
              train_subset: 120
            network:
              channels: 2
              cells: 1
            training:
              epochs: 2
              batch_size: 40
            msrs:
              batches: 1
              batch_size: 40
            search:
              population: 3
              sample_size: 2
              cache: false
              budget:
                evaluations: 8
            fitness:
              kind: penalty
              lambda: 10
            seed: 4
            threads: 1
            """
        try config.write(to: workspace.appendingPathComponent("tiny.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: workspace) }

    private func search() throws -> URL {
        let run = workspace.appendingPathComponent("run")
        let result = try CLIRunner.run(["search", "--config", workspace.appendingPathComponent("tiny.yaml").path,
                                        "--run-dir", run.path, "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        return run
    }

    /// The journal's records (number, valid accuracy, normalised MSRS), read directly.
    private func records(_ run: URL) throws -> [(number: Int, valid: Double, msrs: Double?)] {
        try String(contentsOf: run.appendingPathComponent("journal.jsonl"), encoding: .utf8).split(separator: "\n").dropFirst().map {
            let o = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            let m = try XCTUnwrap(o["metrics"] as? [String: Any])
            return (o["number"] as! Int, m["valid_accuracy"] as! Double, m["msrs_normalized"] as? Double)
        }
    }

    func testTheExportCarriesNormalisationConstructorTopKParetoAndAFullRetrain() throws {
        let run = try search()
        let export = try CLIRunner.run(["export", run.path, "--top", "3"])
        XCTAssertEqual(export.status, 0, export.stderr)
        let e = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any])

        // Normalisation: the spec's CIFAR-10 constants ×1/255 (nats-tss.md §5), as training used them.
        let n = try XCTUnwrap(e["normalization"] as? [String: Any])
        let mean = try XCTUnwrap(n["mean"] as? [Double]), std = try XCTUnwrap(n["std"] as? [Double])
        for (got, want) in zip(mean, [125.3, 123.0, 113.9]) { XCTAssertEqual(got, want / 255, accuracy: 1e-7) }
        for (got, want) in zip(std, [63.0, 62.1, 66.7]) { XCTAssertEqual(got, want / 255, accuracy: 1e-7) }
        XCTAssertEqual(mean.count, 3)

        // TinyNetwork(C, N, genotype, num_classes) and what its stem hard-codes.
        let t = try XCTUnwrap(e["tiny_network"] as? [String: Any])
        XCTAssertEqual(t["c"] as? Int, 2)
        XCTAssertEqual(t["n"] as? Int, 1)
        XCTAssertEqual(t["in_channels"] as? Int, 3)
        XCTAssertEqual(t["input_size"] as? Int, 32)
        XCTAssertEqual(t["num_classes"] as? Int, (e["network"] as? [String: Any])?["classes"] as? Int)
        XCTAssertEqual(t["genotype"] as? String, e["arch"] as? String)
        let recipe = try XCTUnwrap(e["pytorch_recipe"] as? [String]).joined(separator: "\n")
        XCTAssertTrue(recipe.contains("net.stem[0] = torch.nn.Conv2d(t['in_channels'], t['c'], 3, padding=1, bias=False)"), recipe)
        XCTAssertTrue(recipe.contains("net.load_state_dict(load_file(e['weights']))"), recipe)

        // Top-K: by the penalty fitness (valid − 10·MSRS, undefined MSRS = 1), best first, from the journal.
        let all = try records(run)
        XCTAssertEqual(all.count, 8)
        let ranked = all.sorted { ($0.valid - 10 * ($0.msrs ?? 1), $1.number) > ($1.valid - 10 * ($1.msrs ?? 1), $0.number) }
        let top = try XCTUnwrap(e["top_k"] as? [[String: Any]])
        XCTAssertEqual(top.compactMap { $0["candidate"] as? Int }, ranked.prefix(3).map(\.number))
        XCTAssertEqual(top.first?["candidate"] as? Int, e["candidate"] as? Int)
        for entry in top { XCTAssertTrue(FileManager.default.fileExists(atPath: try XCTUnwrap(entry["weights"] as? String))) }

        // Pareto front (valid ↑, MSRS ↓) by its definition, quadratic, over the records with an MSRS.
        let scored = all.filter { $0.msrs != nil }
        let dominated = { (a: (number: Int, valid: Double, msrs: Double?)) in
            scored.contains { b in b.valid >= a.valid && b.msrs! <= a.msrs! && (b.valid > a.valid || b.msrs! < a.msrs!) }
        }
        let front = try XCTUnwrap(e["pareto_front"] as? [[String: Any]])
        XCTAssertEqual(Set(front.compactMap { $0["candidate"] as? Int }), Set(scored.filter { !dominated($0) }.map(\.number)))
        XCTAssertFalse(front.isEmpty)

        // The retrain config is the full protocol; the reproduce config is the search's own.
        let retrain = try String(contentsOfFile: try XCTUnwrap(e["retrain_config"] as? String), encoding: .utf8)
        XCTAssertTrue(retrain.contains("\n  epochs: 200\n") && retrain.contains("\n  train_subset: 0\n"), retrain)
        let reproduce = try String(contentsOfFile: try XCTUnwrap(e["reproduce_config"] as? String), encoding: .utf8)
        XCTAssertTrue(reproduce.contains("\n  epochs: 2\n") && reproduce.contains("\n  train_subset: 120\n"), reproduce)
        XCTAssertTrue((e["retrain_command"] as? String)?.contains("export.train.yaml") == true)
        XCTAssertTrue((e["reproduce_command"] as? String)?.contains("export.reproduce.yaml") == true)
        XCTAssertEqual(e["schema_version"] as? Int, 2)
    }

    func testTheYAMLExportKeepsEachCommandOnOneLine() throws {
        let run = try search()
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try CLIRunner.run(["export", run.path]).stdout.utf8)) as? [String: Any])
        let yaml = try CLIRunner.run(["export", run.path, "--format", "yaml"])
        XCTAssertEqual(yaml.status, 0, yaml.stderr)
        let lines = yaml.stdout.split(separator: "\n").map(String.init)
        for key in ["retrain_command", "reproduce_command"] {
            let command = try XCTUnwrap(json[key] as? String)
            XCTAssertGreaterThan(command.count, 80)
            let line = try XCTUnwrap(lines.first { $0.hasPrefix(key + ":") }, yaml.stdout)
            XCTAssertTrue(line == "\(key): \(command)" || line == "\(key): '\(command)'", "\(key) is folded: \(line)")
        }
    }
}
