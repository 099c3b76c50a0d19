import Foundation
import RunModel

/// Runs each search as a child `rednas search` (new run) or `rednas resume` (existing run) process
/// with `--quiet`, its output in `runs/<arm>/seed-<s>.log` and `.err`. A stop reaches the children
/// as SIGTERM only through ``terminateAll()`` (a terminal's Ctrl-C already reaches them, and a
/// second signal would make them quit without finishing the current step).
package final class ChildProcessLauncher: SearchLauncher, @unchecked Sendable {
    private let executable: URL
    private let directory: StudyDirectory
    private let lock = NSLock()
    private var running: [Process] = []

    /// `executable`: the `rednas` binary to start (normally this process's own).
    package init(executable: URL, directory: StudyDirectory) {
        self.executable = executable; self.directory = directory
    }

    /// Whether a stop request reaches the children as SIGTERM (set by ``terminateAll()``).
    private var forwardStops = false

    /// Sends SIGTERM to every running child and to those started from now on (they stop after
    /// their current training step).
    package func terminateAll() {
        withLock {
            forwardStops = true
            for process in running where process.isRunning { process.terminate() }
        }
    }

    package func run(_ job: StudyJob, threads: Int, stop: StopSignal) -> LaunchOutcome {
        if stop.isRequested { return .interrupted }
        var arguments: [String]
        if job.run.exists {
            arguments = ["resume", job.run.url.path, "--quiet"]
        } else {
            arguments = ["search", "--config", job.basePath, "--run-dir", job.run.url.path, "--quiet"]
            for text in job.overrides + ["threads=\(threads)"] { arguments += ["--set", text] }
        }
        let output = directory.processOutput(arm: job.arm.name, seed: job.seed)
        do {
            try FileManager.default.createDirectory(at: output.out.deletingLastPathComponent(), withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: output.out.path) {
                _ = FileManager.default.createFile(atPath: output.out.path, contents: nil)
            }
            _ = FileManager.default.createFile(atPath: output.err.path, contents: nil)  // this launch's errors only
            let out = try FileHandle(forWritingTo: output.out)
            out.seekToEndOfFile()
            out.write(Data("$ rednas \(arguments.joined(separator: " "))\n".utf8))
            let err = try FileHandle(forWritingTo: output.err)
            defer { try? out.close(); try? err.close() }
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            try withLock {
                try process.run()
                running.append(process)
                // A stop requested while it started: `terminateAll` may have run before the append.
                if forwardStops, stop.isRequested { process.terminate() }
            }
            process.waitUntilExit()
            withLock { running.removeAll { $0 === process } }
            return outcome(of: process, errors: output.err, stop: stop)
        } catch {
            return .failed("could not start \(executable.path): \(error)")
        }
    }

    private func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock(); defer { lock.unlock() }
        return try body()
    }

    private func outcome(of process: Process, errors: URL, stop: StopSignal) -> LaunchOutcome {
        let status = process.terminationStatus
        if process.terminationReason == .exit && status == 0 { return .finished }
        if stop.isRequested || (process.terminationReason == .exit && status == 130) { return .interrupted }
        let text = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let reason = lines.suffix(3).joined(separator: " | ")
        let how = process.terminationReason == .uncaughtSignal ? "killed by signal \(status)" : "exit status \(status)"
        return .failed(reason.isEmpty ? how : "\(how): \(reason)")
    }
}
