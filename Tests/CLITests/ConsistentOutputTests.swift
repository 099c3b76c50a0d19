import Foundation
import XCTest

/// One output style across commands: snake_case JSON with a schema version everywhere, candidate
/// numbers that agree between logs, status and folders, one `--threads` option, help text that
/// fits 80 columns, and `rednas config defaults`.
final class ConsistentOutputTests: XCTestCase {
    private var workspace: URL!

    override func setUpWithError() throws {
        workspace = FileManager.default.temporaryDirectory.appendingPathComponent("output-cli-\(UUID())")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        let synth = try CLIRunner.run(["data", "synth", "--out", workspace.appendingPathComponent("data").path,
                                       "--train", "160", "--test", "32", "--classes", "3", "--seed", "5"])
        XCTAssertEqual(synth.status, 0, synth.stderr)
        let config = """
            dataset:
              kind: cifar10
              path: \(workspace.appendingPathComponent("data").path)
              split: holdout
              valid_count: 32
            network:
              channels: 2
              cells: 1
            training:
              epochs: 2
              batch_size: 32
            msrs:
              batches: 1
              batch_size: 32
            search:
              population: 2
              sample_size: 2
              budget:
                evaluations: 4
            seed: 7
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

    private func json(_ text: String, _ what: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw XCTSkip("\(what) is not a JSON object")
        }
        return object
    }

    private func file(_ url: URL) throws -> [String: Any] { try json(try String(contentsOf: url, encoding: .utf8), url.path) }

    /// Every object key in `value`, with where it is.
    private func keys(_ value: Any, at path: String) -> [(path: String, key: String)] {
        if let object = value as? [String: Any] {
            return object.flatMap { key, member in [(path, key)] + keys(member, at: path + "." + key) }
        }
        if let array = value as? [Any] { return array.enumerated().flatMap { keys($1, at: path + "[\($0)]") } }
        return []
    }

    private func assertSnakeCase(_ value: Any, _ what: String, document: Bool = true, file: StaticString = #filePath, line: UInt = #line) {
        let pattern = try! NSRegularExpression(pattern: "^[a-z][a-z0-9_]*$")
        for (path, key) in keys(value, at: what)
        where pattern.firstMatch(in: key, range: NSRange(key.startIndex..., in: key)) == nil {
            XCTFail("\(path): key '\(key)' is not snake_case", file: file, line: line)
        }
        if document {
            XCTAssertEqual((value as? [String: Any])?["schema_version"] as? Int, 2, "\(what) has no schema_version 2", file: file, line: line)
        }
    }

    func testEveryFileAndReportIsSnakeCaseWithASchemaVersion() throws {
        let run = try search()
        let journal = try String(contentsOf: run.appendingPathComponent("journal.jsonl"), encoding: .utf8)
        let lines = journal.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 5)
        let header = try json(lines[0], "journal header")
        assertSnakeCase(header.filter { $0.key != "bound" }, "journal header")  // `bound` is keyed by text names
        for (i, line) in lines.dropFirst().enumerated() { assertSnakeCase(try json(line, "record"), "journal record \(i)", document: false) }
        assertSnakeCase(try file(run.appendingPathComponent("state.json")), "state.json")
        assertSnakeCase(try file(run.appendingPathComponent("status.json")), "status.json")
        let folders = try FileManager.default.contentsOfDirectory(atPath: run.appendingPathComponent("candidates").path).sorted()
        XCTAssertFalse(folders.isEmpty)
        for folder in folders {
            let dir = run.appendingPathComponent("candidates").appendingPathComponent(folder)
            assertSnakeCase(try file(dir.appendingPathComponent("metrics.json")), "\(folder)/metrics.json")
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("msrs.json").path) {
                assertSnakeCase(try file(dir.appendingPathComponent("msrs.json")), "\(folder)/msrs.json")
            }
        }

        let status = try CLIRunner.run(["status", run.path, "--json"])
        XCTAssertEqual(status.status, 0, status.stderr)
        assertSnakeCase(try json(status.stdout, "status --json"), "status --json")
        let export = try CLIRunner.run(["export", run.path])
        XCTAssertEqual(export.status, 0, export.stderr)
        let e = try json(export.stdout, "export")
        assertSnakeCase(e, "export.json")
        let weights = try XCTUnwrap(e["weights"] as? String)
        let config = run.appendingPathComponent("config.yaml").path

        let outputs: [(String, [String])] = [
            ("msrs --json", ["msrs", "--config", config, "--weights", weights, "--json"]),
            ("eval --json", ["eval", "--config", config, "--weights", weights, "--json"]),
            ("arch --json", ["arch", "1554", "--json"]),
            ("prune --json", ["prune", "--config", config, "--weights", weights, "--keep", "0", "--finetune-epochs", "1",
                              "--out", workspace.appendingPathComponent("pruned").path, "--json"]),
            ("data inspect --json", ["data", "inspect", workspace.appendingPathComponent("data").path, "--json"]),
        ]
        for (what, args) in outputs {
            let result = try CLIRunner.run(args)
            XCTAssertEqual(result.status, 0, "\(what): \(result.stderr)")
            assertSnakeCase(try json(result.stdout, what), what)
        }
        let train = try CLIRunner.run(["train", "--config", config, "--arch", "1554", "--quiet",
                                       "--out", workspace.appendingPathComponent("train").path])
        XCTAssertEqual(train.status, 0, train.stderr)
        assertSnakeCase(try file(workspace.appendingPathComponent("train/metrics.json")), "train metrics.json")
        let bench = try CLIRunner.run(["bench", "--json", "--cases", "top_C8N1", "--batches", "2", "--modes", "infer",
                                       "--min-seconds", "0", "--threads", "1"])
        XCTAssertEqual(bench.status, 0, bench.stderr)
        let benchLines = bench.stdout.split(separator: "\n")
        XCTAssertEqual(benchLines.count, 1, bench.stdout)
        for line in benchLines { assertSnakeCase(try json(String(line), "bench --json"), "bench --json") }
    }

    func testCandidateNumbersAgreeBetweenTheLogStatusAndFolders() throws {
        let run = try search()
        let log = try String(contentsOf: run.appendingPathComponent("search.log"), encoding: .utf8)
        let journal = try String(contentsOf: run.appendingPathComponent("journal.jsonl"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { try json(String($0), "record") }
        XCTAssertEqual(journal.count, 4)
        for record in journal {
            let number = try XCTUnwrap(record["number"] as? Int), index = try XCTUnwrap(record["index"] as? Int)
            // "#13 (14/16) index …": the candidate's number, then the count of evaluations done with it.
            XCTAssertTrue(log.contains("#\(number) (\(number + 1)/4) index \(index) "), "no log line for #\(number):\n\(log)")
            if record["reused_from"] == nil {
                XCTAssertTrue(log.contains("#\(number): training index \(index) "), log)
                let folder = run.appendingPathComponent("candidates").appendingPathComponent(String(format: "%04d-%05d", number, index))
                XCTAssertTrue(FileManager.default.fileExists(atPath: folder.path), folder.path)
                // Epochs count from 1 in the candidate's log.
                let train = try String(contentsOf: folder.appendingPathComponent("train.log"), encoding: .utf8)
                XCTAssertEqual(train.split(separator: "\n").filter { $0.hasPrefix("epoch ") }.map { $0.split(separator: " ")[1] },
                               ["1", "2"], train)
            }
        }
        let status = try json(try CLIRunner.run(["status", run.path, "--json"]).stdout, "status")
        let best = try XCTUnwrap((status["best"] as? [String: Any])?["number"] as? Int)
        let text = try CLIRunner.run(["status", run.path]).stdout
        XCTAssertTrue(text.contains("Best: #\(best) "), text)
        XCTAssertTrue(log.contains("best: #\(best) "), log)
    }

    /// The commands that train or compute, each with the same `--threads`.
    private let computing: [[String]] = [["search"], ["resume"], ["train"], ["eval"], ["msrs"], ["prune"], ["prune-plan"],
                                         ["bench"], ["bench-activations"], ["demo"]]

    func testEveryCommandThatComputesTakesThreadsWithOneDefault() throws {
        for command in computing {
            let help = try CLIRunner.run(command + ["--help"], environment: ["COLUMNS": "300"])
            XCTAssertTrue(help.stdout.contains("--threads <threads>") && help.stdout.contains("0 = every core"),
                          "\(command[0]) --help:\n\(help.stdout)")
        }
        let run = try search()
        let weights = try XCTUnwrap(try json(try CLIRunner.run(["export", run.path]).stdout, "export")["weights"] as? String)
        let config = run.appendingPathComponent("config.yaml").path
        for args in [["msrs", "--config", config, "--weights", weights, "--json"], ["eval", "--config", config, "--weights", weights, "--json"]] {
            // The run's config says 1; --threads overrides it, and the report says what ran.
            let one = try json(try CLIRunner.run(args).stdout, args[0])
            let two = try json(try CLIRunner.run(args + ["--threads", "2"]).stdout, args[0])
            XCTAssertEqual(one["threads"] as? Int, 1)
            XCTAssertEqual(two["threads"] as? Int, 2)
            XCTAssertEqual(one["msrs"] as? Double ?? one["accuracy"] as? Double, two["msrs"] as? Double ?? two["accuracy"] as? Double,
                           "the same numbers at any thread count")
        }
        // resume --threads applies to that session only: the run's config (and fingerprint) stay.
        let before = try String(contentsOfFile: config, encoding: .utf8)
        let resumed = try CLIRunner.run(["resume", run.path, "--threads", "2", "--quiet", "--set", "search.budget.evaluations=5"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(try String(contentsOfFile: config, encoding: .utf8), before.replacingOccurrences(of: "evaluations: 4", with: "evaluations: 5"))
        let bad = try CLIRunner.run(["eval", "--config", config, "--weights", weights, "--threads", "-1"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--threads must be between 0 and 256"), bad.stderr)
    }

    func testHelpIsWrappedOnceAt80Columns() throws {
        let commands: [[String]] = [[], ["status"], ["export"], ["report"], ["migrate"], ["config"], ["config", "defaults"],
                                    ["arch"], ["data"], ["data", "synth"], ["data", "inspect"], ["data", "bench"]] + computing
        for command in commands {
            let result = try CLIRunner.run(command + ["--help"], environment: ["COLUMNS": "80"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let name = "rednas " + command.joined(separator: " ")
            for (i, line) in lines.enumerated() {
                XCTAssertLessThanOrEqual(line.count, 80, "\(name) --help line \(i + 1) is wider than 80 columns: \(line)")
                guard i + 1 < lines.count else { continue }
                // Text filled once is greedy: the next line's first word did not fit on this one.
                // Lists, tables and examples break lines on purpose.
                let next = lines[i + 1]
                let indent = line.prefix { $0 == " " }.count, nextIndent = next.prefix { $0 == " " }.count
                let text = line.dropFirst(indent), nextText = next.dropFirst(nextIndent)
                guard !text.isEmpty, !nextText.isEmpty, indent == nextIndent, !text.contains("  "),
                      !nextText.hasPrefix("rednas "), !text.hasPrefix("rednas "), !nextText.hasPrefix("-"), !nextText.hasPrefix("["),
                      let last = text.last, !".:;)".contains(last) else { continue }
                let word = nextText.prefix { $0 != " " }
                // (ArgumentParser keeps one column spare before a following word.)
                XCTAssertGreaterThan(line.count + 1 + word.count, 79,
                                     "\(name) --help is wrapped twice at line \(i + 1): '\(line)' / '\(next)'")
            }
        }
    }

    func testConfigDefaultsIsTheCommentedSchemaAndSearchHelpPointsToIt() throws {
        let defaults = try CLIRunner.run(["config", "defaults"])
        XCTAssertEqual(defaults.status, 0, defaults.stderr)
        XCTAssertTrue(defaults.stdout.contains("\n  # Epochs T"), defaults.stdout)
        // The printed defaults are a config every command loads: train one epoch of them on the
        // synthetic data (the path and sizes overridden).
        let file = workspace.appendingPathComponent("defaults.yaml")
        try defaults.stdout.write(to: file, atomically: true, encoding: .utf8)
        let train = try CLIRunner.run(["train", "--config", file.path, "--arch", "1554", "--quiet", "--out", workspace.appendingPathComponent("d").path,
                                       "--set", "dataset.kind=cifar10", "--set", "dataset.path=\(workspace.appendingPathComponent("data").path)",
                                       "--set", "dataset.split=holdout", "--set", "dataset.valid_count=32", "--set", "training.epochs=1",
                                       "--set", "network.channels=2", "--set", "network.cells=1", "--set", "training.batch_size=32"])
        XCTAssertEqual(train.status, 0, train.stderr)
        let help = try CLIRunner.run(["search", "--help"], environment: ["COLUMNS": "80"])
        XCTAssertTrue(help.stdout.contains("rednas config defaults"), help.stdout)
    }
}
