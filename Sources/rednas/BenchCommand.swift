import ArgumentParser
import Foundation
import RedNASCore
import TensorEngine

/// `rednas bench`: training/inference throughput of named networks, sgemm peak, MSRS timing, memory.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure training and inference throughput (img/s) of benchmark networks on synthetic data."
    )

    @Option(help: "Compute threads (engine workers; OpenBLAS stays single-threaded inside kernels).")
    var threads = 2

    @Option(help: "Comma-separated batch sizes.")
    var batches = "64,256"

    @Flag(help: "Time the convolution shapes of the NATS network and the ops around them instead.")
    var kernels = false

    @Option(help: "Channels C of the kernel benchmark shapes (with --kernels).")
    var channels = 16

    @Option(help: "Minimum seconds of timed runs per measurement.")
    var minSeconds = 5.0

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        guard batchSizes != nil else { throw ValidationError("--batches must be positive integers separated by commas, got '\(batches)'") }
        guard minSeconds >= 0 else { throw ValidationError("--min-seconds must not be negative") }
    }

    var batchSizes: [Int]? {
        let values = batches.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return values.map { $0! }
    }

    func run() throws {
        ComputeThreads.set(threads)
        let stopwatch = Stopwatch(warmup: 2, minimumRuns: 5, minimumSeconds: minSeconds)
        if kernels {
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
}
