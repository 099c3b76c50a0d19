import Foundation
import RunModel

/// Runs each search as a child `rednas search` (new run) or `rednas resume` (existing run) process
/// with `--quiet`, its output in `runs/<arm>/seed-<s>.log` and `.err`. With a ``StudyDatabase``
/// the child is `rednas search --storage` (which creates the database search or joins it), then
/// `rednas status --storage … --run-dir` copies the ended search into its run directory. A stop reaches the children
/// as SIGTERM only through ``terminateAll()`` (a terminal's Ctrl-C already reaches them, and a
/// second signal would make them quit without finishing the current step).
package final class ChildProcessLauncher: SearchLauncher, @unchecked Sendable {
    private let executable: URL
    private let directory: StudyDirectory
    private let database: StudyDatabase?
    private let lock = NSLock()
    private var running: [Process] = []

    /// `executable`: the `rednas` binary to start (normally this process's own); `database`: where
    /// the searches live (nil: in their run directories).
    package init(executable: URL, directory: StudyDirectory, database: StudyDatabase? = nil) {
        self.executable = executable; self.directory = directory; self.database = database
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
        if let database {
            let name = database.searchName(arm: job.arm.name, seed: job.seed)
            var arguments = ["search", "--config", job.basePath, "--storage", database.url, "--name", name,
                             "--workdir", directory.workspace(arm: job.arm.name, seed: job.seed).path,
                             "--threads", String(threads), "--quiet"]
            for text in job.overrides { arguments += ["--set", text] }
            let outcome = launch(arguments, job: job, stop: stop)
            guard outcome == .finished else { return outcome }
            return launch(["status", "--storage", database.url, "--name", name, "--run-dir", job.run.url.path],
                          job: job, stop: stop)
        }
        var arguments: [String]
        if job.run.exists {
            arguments = ["resume", job.run.url.path, "--quiet"]
        } else {
            arguments = ["search", "--config", job.basePath, "--run-dir", job.run.url.path, "--quiet"]
            for text in job.overrides + ["threads=\(threads)"] { arguments += ["--set", text] }
        }
        return launch(arguments, job: job, stop: stop)
    }

    /// `rednas study retrain DIR --arch … --seed … --threads …`, its output in `final/<key>.log`.
    package func retrain(_ training: FinalTraining, threads: Int, stop: StopSignal) -> LaunchOutcome {
        if stop.isRequested { return .interrupted }
        let arguments = ["study", "retrain", directory.url.path, "--arch", training.arch, "--seed", String(training.seed),
                         "--threads", String(threads)]
        return launch(arguments, output: directory.processOutput(final: training), stop: stop)
    }

    /// Runs `rednas arguments` to its end, its output appended to the job's log files.
    private func launch(_ arguments: [String], job: StudyJob, stop: StopSignal) -> LaunchOutcome {
        launch(arguments, output: directory.processOutput(arm: job.arm.name, seed: job.seed), stop: stop)
    }

    /// Runs `rednas arguments` to its end, its standard output appended to `output.out` and its
    /// standard error in `output.err` (this launch's only).
    private func launch(_ arguments: [String], output: (out: URL, err: URL), stop: StopSignal) -> LaunchOutcome {
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
