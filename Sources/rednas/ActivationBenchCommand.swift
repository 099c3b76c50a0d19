import ActivationFiles
import ArgumentParser
import Benchmark
import Foundation
import Persistence
import RedNASCore
import Training

/// `rednas bench-activations`: time and peak memory of scoring activation files at scale.
struct ActivationBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-activations",
        abstract: "Time and peak memory of `msrs --activations` on generated files (GAP and flattened).",
        usage: "rednas bench-activations [--cases gap,flatten] [--flatten-taps <n>]\n  [--dir <dir>] [--threads <n>] [--json]",
        discussion: """
            Cases: gap — 10 files (batches) × 100 taps of 256 samples × C channels (C = 64, 128, \
            256, 512 for 25 taps each, F32, already pooled); flatten — one file of --flatten-taps \
            taps of 256 × 64×32×32 = 65,536 values per sample (BF16), scored with --pooling flatten.

            Files are generated first (not timed), then each case is scored in a fresh child \
            process whose peak resident memory (VmHWM) is its own.
            """)

    @Option(help: "Comma-separated cases: gap, flatten.")
    var cases = "gap,flatten"

    @Option(help: "Taps of the flatten case.")
    var flattenTaps = 8

    @Option(help: "Directory for the generated files (default: a new temporary directory, removed afterwards).")
    var dir: String?

    @OptionGroup var threadOption: ThreadsOption

    var threads: Int { ComputeThreadSetting.resolve(threadOption.requested()) }

    @Option(help: "The most Gram matrices held in memory while scoring (as `msrs --resident-grams`).")
    var residentGrams = ActivationRedundancy.defaultResidentGrams

    @Flag(help: "Print one JSON record per line.")
    var json = false

    @Option(parsing: .upToNextOption, help: .hidden)
    var score: [String] = []

    @Option(help: .hidden)
    var pooling: FeatureReduction = .globalAveragePool

    func run() throws {
        ComputeThreadSetting.apply(threads)
        if !score.isEmpty { return try scoreInProcess() }
        let fm = FileManager.default
        let folder = URL(fileURLWithPath: dir ?? fm.temporaryDirectory.appendingPathComponent("rednas-bench-\(UUID())").path)
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if dir == nil { try? fm.removeItem(at: folder) } }
        for name in cases.split(separator: ",").map(String.init) {
            var files: [String] = []
            switch name {
            case "gap":
                for b in 0..<10 {
                    let url = folder.appendingPathComponent("gap-\(b).safetensors")
                    try SyntheticActivations.write(to: url, samples: 256, taps: 100, dtype: .f32, seed: UInt64(b + 1)) {
                        [64 << min(3, $0 / 25)]
                    }
                    files.append(url.path)
                }
            case "flatten":
                let url = folder.appendingPathComponent("flatten.safetensors")
                try SyntheticActivations.write(to: url, samples: 256, taps: flattenTaps, dtype: .bf16, seed: 7) { _ in [64, 32, 32] }
                files.append(url.path)
            default:
                throw ValidationError("unknown case '\(name)'; known: gap, flatten")
            }
            let bytes = try files.reduce(0) { $0 + ((try fm.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
            let pooling = name == "flatten" ? "flatten" : "gap"
            let output = try runChild(["bench-activations", "--threads", "\(threads)", "--pooling", pooling,
                                       "--resident-grams", "\(residentGrams)", "--score"] + files)
            var record = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
            record["case"] = name
            record["file_bytes"] = bytes
            record[JSONStyle.versionKey] = JSONStyle.schemaVersion
            if json {
                print(String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self))
            } else {
                print(String(format: "%-8@ %3d taps × %2d batches, %5.0f MiB of files: %7.2f s, peak %5.0f MiB, MSRS %.3f",
                             name as NSString, record["layers"] as! Int, record["batches"] as! Int, Double(bytes) / 1_048_576,
                             record["seconds"] as! Double, Double(record["peak_bytes"] as! Int) / 1_048_576,
                             (record["msrs"] as? Double) ?? .nan))
            }
            fflush(nil)
            if dir == nil { for f in files { try? fm.removeItem(atPath: f) } }
        }
    }

    private func scoreInProcess() throws {
        let set = try ActivationSet(urls: score.map { URL(fileURLWithPath: $0) })
        let m = try ActivationRedundancy.measure(set, reduction: pooling, residentGrams: residentGrams)
        let record: [String: Any] = [
            "resident_grams": residentGrams,
            "seconds": m.seconds, "peak_bytes": ProcessMemory.peakResidentBytes() ?? -1, "msrs": m.result.msrs ?? NSNull(),
            "layers": m.result.layers, "batches": m.result.batchesSeen, "samples": m.samples, "pooling": pooling.rawValue,
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self))
    }

    private func runChild(_ arguments: [String]) throws -> String {
        try BenchmarkRunner.childOutput(executable: "/proc/self/exe", arguments: arguments)
    }
}
