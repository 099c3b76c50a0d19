import Foundation
import XCTest

/// Kills a real `rednas search` at planned moments, resumes it each time, and checks that it ends
/// with the journal of the run that was never killed.
enum KillResumeTrials {
    /// One SIGKILL: once the journal holds `records` records, wait `delay` seconds more (so it lands
    /// mid-candidate or between writes whatever the machine's load), then kill.
    typealias Kill = (records: Int, delay: Double)

    /// Runs each plan in its own run directory under `workspace` and asserts the finished journal
    /// (`journal` of the run folder) equals `expected`, and that at least one kill landed mid-search.
    static func check(plans: [[Kill]], config: String, workspace: URL, expected: [String],
                      journal: (URL) throws -> [String], file: StaticString = #filePath, line: UInt = #line) throws {
        var interruptedMidway = 0
        for (trial, kills) in plans.enumerated() {
            let run = workspace.appendingPathComponent("killed-\(trial)")
            var args = ["search", "--config", config, "--run-dir", run.path, "--quiet"]
            for (records, delay) in kills {
                let process = Process()
                process.executableURL = CLIRunner.executable
                process.arguments = args
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                while process.isRunning && ((try? journal(run).count) ?? 0) < records { Thread.sleep(forTimeInterval: 0.02) }
                Thread.sleep(forTimeInterval: delay)
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let done = (try? journal(run).count) ?? 0
                if done > 0 && done < expected.count { interruptedMidway += 1 }
                if FileManager.default.fileExists(atPath: run.appendingPathComponent("config.yaml").path) {
                    args = ["resume", run.path, "--quiet"]
                } else {
                    // Killed before the run directory was complete: nothing was evaluated, start afresh.
                    try? FileManager.default.removeItem(at: run)
                }
            }
            let finish = try CLIRunner.run(args)
            XCTAssertEqual(finish.status, 0, "trial \(trial): \(finish.stderr)", file: file, line: line)
            XCTAssertEqual(try journal(run), expected, "trial \(trial), kills \(kills)", file: file, line: line)
        }
        XCTAssertGreaterThan(interruptedMidway, 0, "no kill landed in the middle of the search; the delays need retuning",
                             file: file, line: line)
    }
}
