import Foundation
import XCTest

/// The corpus of malformed inputs (issue 21): each case writes its input in the real format (YAML
/// configs, IDX and CIFAR files, FIFOs, folders where files belong), runs the real `rednas`
/// binary on it and expects a clean refusal: a non-zero exit (not a signal), no crash report, a
/// message naming the file/key/option and the problem, nothing printed as "search started" and
/// no run directory left behind. Every case crashed, hung or was accepted silently before.
final class MalformedInputTests: XCTestCase {
    struct Case: Sendable {
        var name: String
        /// Writes the inputs into the case's folder and returns the command line.
        var arguments: @Sendable (Fixture) throws -> [String]
        /// Substrings the error output must contain (the location, then the problem).
        var expected: @Sendable (Fixture) -> [String]
        /// Text piped to the process's standard input.
        var stdin: String? = nil
    }

    /// One case's folder: a small IDX dataset, a CIFAR-10 folder, a config writer.
    struct Fixture {
        let root: URL
        var idx: String { root.appendingPathComponent("idx").path }
        var cifar: String { root.appendingPathComponent("cifar").path }
        var runs: String { root.appendingPathComponent("Results").path }
        func path(_ name: String) -> String { root.appendingPathComponent(name).path }

        /// A search config on the IDX fixture (tiny network, one evaluation) plus `extra` YAML lines
        /// appended under the given sections, written to `name`.
        /// Line numbers: dataset 1–3 (+ `dataset` lines), network 4–6, training 7–9, msrs 10–12,
        /// search 13–14 (+ `search` lines), output 15–16 — with the default `network` and `training`.
        func config(_ name: String = "x.yaml", dataset: String = "", network: String = "  channels: 4\n  cells: 1\n",
                    training: String = "  epochs: 1\n  batch_size: 8\n", search: String = "") throws -> String {
            let text = """
                dataset:
                  kind: idx
                  path: \(idx)
                \(dataset)network:
                \(network)training:
                \(training)msrs:
                  batches: 1
                  batch_size: 8
                search:
                  budget: {evaluations: 1}
                \(search)output:
                  runs_dir: \(runs)

                """
            try text.write(toFile: path(name), atomically: true, encoding: .utf8)
            return path(name)
        }
    }

    // MARK: The corpus

    static let cases: [Case] = [
        // Crashes and hangs.
        Case(name: "arch --channels overflow", arguments: { _ in ["arch", "6019", "--channels", "100000000"] },
             expected: { _ in ["--channels must be between 1 and 4096, got 100000000"] }),
        Case(name: "arch --input-size overflow", arguments: { _ in ["arch", "6019", "--input-size", "4000000000"] },
             expected: { _ in ["--input-size must be between 4 and 1024, got 4000000000"] }),
        Case(name: "arch --cells hang", arguments: { _ in ["arch", "6019", "--cells", "1000000000"] },
             expected: { _ in ["--cells must be between 0 and 1000 per stage, got 1000000000"] }),
        Case(name: "IDX header counts 0xFFFFFFFF (data inspect)", arguments: { f in
                 try writeIDX(f.idx, headerCounts: (0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF))
                 return ["data", "inspect", f.idx]
             },
             expected: { f in ["\(f.idx)/train-images-idx3-ubyte: header says 4294967295 images of 4294967295×4294967295",
                               "more than this machine's memory"] }),
        Case(name: "gzip IDX header claiming 2 TiB (data inspect)", arguments: { f in
                 try writeIDX(f.idx, headerCounts: (0xFFFF_FFFF, 28, 28), gzip: true)
                 return ["data", "inspect", f.idx]
             },
             expected: { f in ["\(f.idx)/train-images-idx3-ubyte.gz: header says 4294967295 images of 28×28",
                               "more than this machine's memory"] }),
        Case(name: "IDX header counts 0xFFFFFFFF (search)", arguments: { f in
                 try writeIDX(f.idx, headerCounts: (0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF))
                 return ["search", "--config", try f.config()]
             },
             expected: { f in ["\(f.idx)/train-images-idx3-ubyte: header says 4294967295 images"] }),
        Case(name: "network.channels 1000000", arguments: { f in
                 try writeIDX(f.idx)
                 return ["search", "--config", try f.config(network: "  channels: 1000000\n  cells: 1\n")]
             },
             expected: { f in ["\(f.path("x.yaml")):5:13: network.channels: must be between 1 and 4096, found 1000000"] }),
        Case(name: "network too large for memory", arguments: { f in
                 try writeIDX(f.idx)
                 return ["search", "--config", try f.config(), "--set", "network.channels=4096", "--set", "network.cells=20"]
             },
             expected: { f in ["\(f.path("x.yaml")): network: C = 4096, cells per stage [20, 20, 20]",
                               "training needs an estimated", "TiB", "more than this machine's"] }),
        Case(name: "config over 1 MiB", arguments: { f in
                 let ops = Array(repeating: "none", count: 300_000).joined(separator: ", ")
                 let file = try f.config(search: "  ops: [\(ops)]\n")
                 return ["search", "--config", file]
             },
             expected: { f in ["\(f.path("x.yaml")): the file is", "a configuration file may hold at most 1048576 bytes"] }),
        Case(name: "search.ops list of 5000 items", arguments: { f in
                 let ops = Array(repeating: "none", count: 5000).joined(separator: ", ")
                 return ["search", "--config", try f.config(search: "  ops: [\(ops)]\n")]
             },
             expected: { f in ["\(f.path("x.yaml")):15:8: search.ops: the list has 5000 elements; lists may hold at most 1000"] }),
        Case(name: "dataset.crop_padding near Int.max", arguments: { f in
                 try writeIDX(f.idx)
                 return ["search", "--config", try f.config(dataset: "  crop_padding: 9223372036854775807\n")]
             },
             expected: { f in ["\(f.path("x.yaml")): dataset.crop_padding: 9223372036854775807 is more than the images' 28 pixels"] }),
        Case(name: "threads: 1000000 in a config", arguments: { f in ["search", "--config", try f.config(), "--set", "threads=1000000"] },
             expected: { _ in ["--set threads=1000000: threads: must be between 0 and 256 (0 = all cores), found 1000000"] }),
        Case(name: "msrs.batch_size 100000000", arguments: { f in
                 ["search", "--config", try f.config(), "--set", "msrs.batch_size=100000000"]
             },
             expected: { _ in ["--set msrs.batch_size=100000000: msrs.batch_size: must be at most 4096"] }),
        Case(name: "data synth of 10^13 images", arguments: { f in ["data", "synth", "--out", f.path("synth"), "--train", "10000000000000"] },
             expected: { _ in ["--train 10000000000000 and --test 1000 make", "more than this machine's"] }),
        Case(name: "config is /dev/zero", arguments: { _ in ["search", "--config", "/dev/zero"] },
             expected: { _ in ["/dev/zero: more than 1048576 bytes (1 MiB) to read"] }),

        // Unclear errors.
        Case(name: "config is a folder", arguments: { f in ["search", "--config", f.root.path] },
             expected: { f in ["\(f.root.path): is a folder, not a configuration file"] }),
        Case(name: "weights is a folder", arguments: { f in
                 ["msrs", "--config", try f.config(), "--weights", f.root.path]
             },
             expected: { f in ["--weights \(f.root.path): is a folder, not a file"] }),
        Case(name: "weights is a FIFO", arguments: { f in
                 guard mkfifo(f.path("w.fifo"), 0o600) == 0 else { throw CocoaError(.fileWriteUnknown) }
                 return ["msrs", "--config", try f.config(), "--weights", f.path("w.fifo")]
             },
             expected: { f in ["--weights \(f.path("w.fifo")): is a FIFO, socket or device, not a regular file"] }),
        Case(name: "runs_dir is a file", arguments: { f in
                 try writeIDX(f.idx)
                 try Data("x".utf8).write(to: URL(fileURLWithPath: f.runs))
                 return ["search", "--config", try f.config()]
             },
             expected: { f in ["\(f.path("x.yaml")): output.runs_dir: \(f.runs) is a file, not a folder"] }),
        Case(name: "bad UTF-8 byte", arguments: { f in
                 var bytes = Array("seed: 1\nsearch:\n  space: caf".utf8)
                 bytes += [0xE9] + Array("\n".utf8)
                 try Data(bytes).write(to: URL(fileURLWithPath: f.path("latin1.yaml")))
                 return ["search", "--config", f.path("latin1.yaml")]
             },
             expected: { f in ["\(f.path("latin1.yaml")):3:13: not UTF-8 text: byte 0xE9 at offset 28"] }),
        Case(name: "--threads -2", arguments: { f in ["train", "--config", try f.config(), "--arch", "1", "--threads", "-2"] },
             expected: { _ in ["--threads must be between 0 and 256, got -2"] }),
        Case(name: "--seed -5", arguments: { f in ["search", "--config", try f.config(), "--seed", "-5"] },
             expected: { _ in ["--seed must be ≥ 0, got -5"] }),
        Case(name: "arch -1", arguments: { _ in ["arch", "-1"] },
             expected: { _ in ["architecture index -1 is out of range"] }),
        Case(name: "prune --keep -1", arguments: { _ in ["prune", "--config", "c.yaml", "--weights", "w", "--keep", "-1"] },
             expected: { _ in ["--keep must be ≥ 0, got -1"] }),
        Case(name: "dataset.path is a file", arguments: { f in
                 try Data("x".utf8).write(to: URL(fileURLWithPath: f.path("data.bin")))
                 return ["search", "--config", try f.config(), "--set", "dataset.path=\(f.path("data.bin"))"]
             },
             expected: { f in ["\(f.path("x.yaml")): dataset.path: \(f.path("data.bin")) is a file, not a folder"] }),
        Case(name: "data inspect of a file as an IDX folder", arguments: { f in
                 try Data("x".utf8).write(to: URL(fileURLWithPath: f.path("notes.txt")))
                 return ["data", "inspect", f.path("notes.txt"), "--format", "idx"]
             },
             expected: { f in ["\(f.path("notes.txt")): is a file, not an IDX dataset folder"] }),
        Case(name: "config through a FIFO", arguments: { f in
                 let fifo = f.path("config.fifo")
                 guard mkfifo(fifo, 0o600) == 0 else { throw CocoaError(.fileWriteUnknown) }
                 DispatchQueue.global().async {
                     let handle = FileHandle(forWritingAtPath: fifo)
                     handle?.write(Data("search:\n  populaton: 3\n".utf8))
                     try? handle?.close()
                 }
                 return ["search", "--config", fifo]
             },
             expected: { f in ["\(f.path("config.fifo")):2:3: unknown key 'search.populaton' (did you mean 'population'?)"] }),
        Case(name: "config through a pipe (as <(…) gives)", arguments: { _ in ["search", "--config", "/dev/stdin"] },
             expected: { _ in ["/dev/stdin:1:1: unknown key 'sed' (did you mean 'seed'?)"] },
             stdin: "sed: 3\n"),
        Case(name: "valid_count as large as the training part", arguments: { f in
                 try writeIDX(f.idx)
                 return ["search", "--config", try f.config(dataset: "  valid_count: 40\n")]
             },
             expected: { f in ["\(f.path("x.yaml")): dataset.valid_count: 40 leaves no training images", "holds 40"] }),

        // Accepted silently before.
        Case(name: "train_subset above the data", arguments: { f in
                 try writeIDX(f.idx)
                 return ["search", "--config", try f.config(dataset: "  train_subset: 1000\n")]
             },
             expected: { f in ["\(f.path("x.yaml")): dataset.train_subset: 1000 is more than the 36 training images"] }),
        Case(name: "cells and cells_per_stage both", arguments: { f in
                 ["search", "--config", try f.config(network: "  channels: 4\n  cells: 2\n  cells_per_stage: [1, 2, 1]\n")]
             },
             expected: { f in ["\(f.path("x.yaml")):7:20: network.cells_per_stage: give either cells", "not both"] }),
        Case(name: "epochs: ~", arguments: { f in ["search", "--config", try f.config(training: "  epochs: ~\n  batch_size: 8\n")] },
             expected: { f in ["\(f.path("x.yaml")):8:11: training.epochs: no value given (null)"] }),
        Case(name: "--set search.population= (empty)", arguments: { f in
                 ["search", "--config", try f.config(), "--set", "search.population="]
             },
             expected: { _ in ["--set search.population=: no value after '='"] }),
        Case(name: "0-byte CIFAR data_batch_3.bin", arguments: { f in
                 try writeCIFAR10(f.cifar, emptyFile: "data_batch_3.bin")
                 return ["data", "inspect", f.cifar]
             },
             expected: { f in ["\(f.cifar)/data_batch_3.bin: is empty (0 bytes) but \(f.cifar)/data_batch_1.bin holds 20"] }),
        Case(name: "0-byte CIFAR data_batch_3.bin (search)", arguments: { f in
                 try writeCIFAR10(f.cifar, emptyFile: "data_batch_3.bin")
                 return ["search", "--config", try f.config(), "--set", "dataset.kind=cifar10", "--set", "dataset.path=\(f.cifar)",
                         "--set", "dataset.split=holdout"]
             },
             expected: { f in ["\(f.cifar)/data_batch_3.bin: is empty (0 bytes)"] }),
    ]

    func testEveryMalformedInputIsRefusedWithItsLocationAndProblem() throws {
        XCTAssertEqual(Self.cases.count, 35)
        for c in Self.cases {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("malformed-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: root) }
            let fixture = Fixture(root: root)
            let args = try c.arguments(fixture)
            let result = try Self.run(args, in: root, stdin: c.stdin, timeout: 60)
            let context = "case '\(c.name)': rednas \(args.map { $0.count > 80 ? String($0.prefix(80)) + "…" : $0 }.joined(separator: " "))\n"
                + "status \(result.status) \(result.signaled ? "(signal)" : ""); stderr:\n\(result.stderr.prefix(2000))"
            XCTAssertFalse(result.timedOut, "hang: " + context)
            XCTAssertFalse(result.signaled, "crash: " + context)
            XCTAssertNotEqual(result.status, 0, "accepted: " + context)
            XCTAssertFalse(result.stderr.contains("Program crashed") || result.stderr.contains("Fatal error"), context)
            XCTAssertFalse(result.stdout.contains("search started"), "started: " + context)
            for text in c.expected(fixture) {
                XCTAssertTrue(result.stderr.contains(text), "missing '\(text)' in " + context)
            }
            XCTAssertFalse(result.stderr.contains("NSCocoaErrorDomain") || result.stderr.contains("don’t have permission"), context)
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: fixture.runs, isDirectory: &isFolder), isFolder.boolValue {
                XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: fixture.runs), [], "run directory left: " + context)
            }
        }
    }

    // MARK: Writers for the real formats

    /// An IDX dataset of 40 train + 10 test 28×28 images, 10 classes; `headerCounts` replaces the
    /// train images header's (count, rows, cols) (the data stays that of 40 images).
    static func writeIDX(_ folder: String, headerCounts: (UInt32, UInt32, UInt32)? = nil, gzip: Bool = false) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func write(_ name: String, _ bytes: [UInt8]) throws {
            let path = folder + "/" + name
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        for (prefix, count) in [("train", 40), ("t10k", 10)] {
            let (n, rows, cols) = prefix == "train" ? headerCounts ?? (UInt32(count), 28, 28) : (UInt32(count), 28, 28)
            let pixels = (0..<(count * 784)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            try write("\(prefix)-images-idx3-ubyte", be(0x803) + be(n) + be(rows) + be(cols) + pixels)
            try write("\(prefix)-labels-idx1-ubyte", be(0x801) + be(UInt32(count)) + (0..<count).map { UInt8($0 % 10) })
        }
        if gzip {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/gzip")
            process.arguments = ["-f", folder + "/train-images-idx3-ubyte"]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        }
    }

    /// A CIFAR-10 folder of 5 × 20 train and 20 test records; `emptyFile` is written with 0 bytes.
    static func writeCIFAR10(_ folder: String, emptyFile: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let names = (1...5).map { "data_batch_\($0).bin" } + ["test_batch.bin"]
        for name in names {
            var bytes: [UInt8] = []
            if name != emptyFile {
                for record in 0..<20 { bytes += [UInt8(record % 10)] + [UInt8](repeating: UInt8(record), count: 3072) }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + name))
        }
    }

    // MARK: Running with a timeout

    struct Result { var status: Int32; var signaled: Bool; var timedOut: Bool; var stdout: String; var stderr: String }

    /// Runs `rednas args…` in `directory`; a run longer than `timeout` seconds is killed and reported.
    static func run(_ args: [String], in directory: URL, stdin: String?, timeout: TimeInterval) throws -> Result {
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = args
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        var timedOut = false
        let timer = DispatchWorkItem { timedOut = true; process.terminate() }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        return Result(status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
                      timedOut: timedOut, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}
