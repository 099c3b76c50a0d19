import Foundation
import Persistence

/// Runs each (case, batch) of a benchmark in a fresh child process of the same executable, so the
/// peak resident memory reported with each case is that case's alone.
package enum BenchmarkRunner {
    /// Launches `executable` with `arguments` and decodes every stdout line that is a JSON record.
    /// - Throws: `BenchmarkError.childFailed` with the child's stderr if it exits non-zero.
    package static func runChild(executable: String, arguments: [String]) throws -> [BenchmarkRecord] {
        // The record's keys are the PyTorch peer's (explicit snake_case `CodingKeys`), read as written.
        let decoder = JSONDecoder()
        return try childOutput(executable: executable, arguments: arguments).split(separator: "\n").compactMap { line in
            try? decoder.decode(BenchmarkRecord.self, from: Data(line.utf8))
        }
    }

    /// Launches `executable` with `arguments` and returns what it printed to stdout.
    /// - Throws: `BenchmarkError.childFailed` with the child's stderr if it exits non-zero.
    package static func childOutput(executable: String, arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkError.childFailed(arguments: arguments, status: process.terminationStatus,
                                             message: String(decoding: errorData, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// One JSON line (sorted keys).
    package static func jsonLine(_ record: BenchmarkRecord) -> String {
        String(decoding: (try? JSONStyle.document(record, pretty: false)) ?? Data(), as: UTF8.self)
    }

    /// A human-readable row.
    package static func tableRow(_ r: BenchmarkRecord) -> String {
        let memory = r.peakResidentBytes.map { String(format: "%6.0f MiB", Double($0) / 1_048_576) } ?? "      ?"
        if r.mode == "msrs" {
            return String(format: "%-12@ %-5@ 10×256 images in %7.2f s (%.0f img/s)  peak %@",
                          r.config as NSString, r.mode as NSString, r.stepSecondsMedian, r.imagesPerSecondMedian,
                          memory as NSString)
        }
        return String(format: "%-12@ B=%-4d %-5@ %8.1f img/s [%.1f–%.1f] %6.1f GFLOP/s  peak %@",
                      r.config as NSString, r.batch, r.mode as NSString, r.imagesPerSecondMedian,
                      r.imagesPerSecondMin, r.imagesPerSecondMax, r.gflopsMedian, memory as NSString)
    }
}

package enum BenchmarkError: Error, CustomStringConvertible, LocalizedError {
    case childFailed(arguments: [String], status: Int32, message: String)

    package var description: String {
        switch self {
        case .childFailed(let arguments, let status, let message):
            return "benchmark child `\(arguments.joined(separator: " "))` exited with status \(status): \(message)"
        }
    }
    package var errorDescription: String? { description }
}
