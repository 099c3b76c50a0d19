import ArgumentParser
import Foundation
import RedNASCore
import Training
import Benchmark

/// `rednas bench`: training/inference throughput of named networks, sgemm peak, MSRS timing, memory.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure training and inference throughput (img/s) of benchmark networks on synthetic data.",
        usage: "rednas bench [--threads <n>] [--cases <names>] [--batches <sizes>]\n  [--modes train,infer,msrs] [--json] [--kernels [--channels <c>]]\n  [--min-seconds <s>]",
        discussion: """
        Cases: \(BenchmarkCase.all.map(\.name).joined(separator: ", ")). Each (case, batch) runs in a fresh \
        child process so its peak memory (VmHWM) is its own. GFLOP/s = 2 × benchmark FLOPs (MACs) × img/s, \
        × 3 for a training step.
        """
    )

    @OptionGroup var threadOption: ThreadsOption

    /// Engine workers (OpenBLAS stays single-threaded inside kernels).
    var threads: Int { ComputeThreadSetting.resolve(threadOption.requested()) }

    @Option(help: "Comma-separated case names.")
    var cases = BenchmarkCase.all.map(\.name).joined(separator: ",")

    @Option(help: "Comma-separated batch sizes.")
    var batches = "64,256"

    @Option(help: "Comma-separated modes: train, infer, msrs (one MSRS measurement, 10 batches of 256).")
    var modes = "train,infer,msrs"

    @Flag(help: "Print one JSON record per line instead of a table.")
    var json = false

    @Flag(help: "Time the convolution shapes of the NATS network and the ops around them instead.")
    var kernels = false

    @Option(parsing: .unconditional, help: "Channels C of the kernel benchmark shapes (with --kernels).")
    var channels = 16

    @Option(parsing: .unconditional, help: "Minimum seconds of timed runs per measurement.")
    var minSeconds = 5.0

    @Flag(help: "Print the CPU, the OpenBLAS core (and who chose it) and RedNAS's kernel set, then exit.")
    var machine = false

    @Flag(help: "With --machine: also measure the sgemm 2048³ peak with --threads OpenBLAS threads.")
    var peak = false

    @Flag(help: .hidden)
    var inProcess = false

    func validate() throws {
        guard batchSizes != nil else { throw ValidationError("--batches must be integers from 1 to 4096 separated by commas, got '\(batches)'") }
        guard minSeconds >= 0, minSeconds <= 3600 else { throw ValidationError("--min-seconds must be between 0 and 3600, got \(minSeconds)") }
        guard (1...KernelBenchmark.channelLimit).contains(channels) else {
            throw ValidationError("--channels must be between 1 and \(KernelBenchmark.channelLimit), got \(channels)")
        }
        for name in caseNames where BenchmarkCase.named(name) == nil {
            throw ValidationError("unknown case '\(name)' in --cases; known: \(BenchmarkCase.all.map(\.name).joined(separator: ", "))")
        }
        for mode in modeNames where !["train", "infer", "msrs"].contains(mode) {
            throw ValidationError("unknown mode '\(mode)' in --modes; known: train, infer, msrs")
        }
    }

    var batchSizes: [Int]? {
        let values = batches.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ (1...4096).contains($0 ?? 0) }) else { return nil }
        return values.map { $0! }
    }
    var caseNames: [String] { cases.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    var modeNames: [String] { modes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

    func run() throws {
        if machine { return printMachine() }
        ComputeThreadSetting.apply(threads)
        let stopwatch = Stopwatch(warmup: 2, minimumRuns: 5, minimumSeconds: minSeconds)
        if kernels { return runKernels(stopwatch) }
        if inProcess { return try runInProcess(stopwatch) }
        if !json {
            print(ComputeSetup.summary)
            let peak = GemmPeak.measure(threads: threads)
            print(String(format: "sgemm 2048³ peak, %d OpenBLAS threads: %.1f GFLOP/s [%.1f–%.1f]",
                         threads, peak.median, peak.minimum, peak.maximum))
        }
        for name in caseNames {
            for (i, batch) in batchSizes!.enumerated() {
                // MSRS once per case (its batch is fixed at 256), with the last batch size.
                let modes = modeNames.filter { $0 != "msrs" || i == batchSizes!.count - 1 }
                let arguments = ["bench", "--in-process", "--cases", name, "--batches", "\(batch)",
                                 "--modes", modes.joined(separator: ","), "--threads", "\(threads)",
                                 "--min-seconds", "\(minSeconds)"]
                for record in try BenchmarkRunner.runChild(executable: "/proc/self/exe", arguments: arguments) {
                    print(json ? BenchmarkRunner.jsonLine(record) : BenchmarkRunner.tableRow(record))
                    fflush(nil)  // all output streams; `stdout` is a global C variable Swift 6 will not read
                }
            }
        }
    }

    private func printMachine() {
        let gflops = peak ? GemmPeak.measure(threads: threads).median : nil
        if json {
            var line = ComputeSetup.jsonLine
            if let gflops { line = String(line.dropLast()) + String(format: ",\"sgemm_peak_gflops\":%.1f}", gflops) }
            print(line)
        } else {
            print(ComputeSetup.summary)
            if let gflops { print(String(format: "sgemm 2048³ peak, %d OpenBLAS threads: %.1f GFLOP/s", threads, gflops)) }
        }
    }

    private func runInProcess(_ stopwatch: Stopwatch) throws {
        for name in caseNames {
            for batch in batchSizes! {
                for record in try NetworkBenchmark.measure(BenchmarkCase.named(name)!, batch: batch, modes: modeNames,
                                                           threads: threads, stopwatch: stopwatch) {
                    print(BenchmarkRunner.jsonLine(record))
                    fflush(nil)  // all output streams; `stdout` is a global C variable Swift 6 will not read
                }
            }
        }
    }

    private func runKernels(_ stopwatch: Stopwatch) {
        for batch in batchSizes! {
            for row in KernelBenchmark.run(channels: channels, batch: batch, stopwatch: stopwatch) {
                let gf = { (t: TimingSummary, factor: Double) -> String in
                    row.macs == 0 ? "" : String(format: "%6.1f GF/s", factor * 2 * Double(row.macs) / t.median / 1e9)
                }
                print(String(format: "%-28@ B=%-4d fwd %8.2f ms %@   train %8.2f ms [%.2f–%.2f] %@",
                             row.name as NSString, row.batch, row.forward.median * 1e3, gf(row.forward, 1),
                             row.training.median * 1e3, row.training.minimum * 1e3, row.training.maximum * 1e3,
                             gf(row.training, 3)))
            }
        }
    }
}
