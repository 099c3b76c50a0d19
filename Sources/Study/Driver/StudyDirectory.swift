import Foundation
import Persistence
import RunModel
import Search

/// The layout of a study directory:
/// - `study.yaml` (the study file as started), `plan.json` (what must not change on resume);
/// - `runs/<arm>/seed-<s>/`: one ordinary run directory per (arm, seed), with `seed-<s>.log` and
///   `seed-<s>.err` beside it (the search process's output); with `--storage`, the copy of the
///   database search once it ended, and `seed-<s>.work/` where its candidates trained;
/// - `final/<index>-seed<t>/`: the re-training of an answer (architecture index, training seed),
///   `result.json` once done (shared by every run whose answer is that architecture);
/// - `failures.json`: runs that failed and why; `study.log`: the study's progress lines;
/// - the report: `index.html`, `summary.md`, `study.json`, `plots/`.
package struct StudyDirectory: Sendable {
    package let url: URL

    package init(_ url: URL) { self.url = url.standardizedFileURL }

    package var studyFile: URL { url.appendingPathComponent("study.yaml") }
    package var plan: URL { url.appendingPathComponent("plan.json") }
    package var failures: URL { url.appendingPathComponent("failures.json") }
    package var log: URL { url.appendingPathComponent("study.log") }
    package var runs: URL { url.appendingPathComponent("runs") }
    package var finals: URL { url.appendingPathComponent("final") }
    package var plots: URL { url.appendingPathComponent("plots") }

    /// Whether the folder holds a study.
    package var exists: Bool { FileManager.default.fileExists(atPath: plan.path) }

    package func run(arm: String, seed: Int) -> RunDirectory {
        RunDirectory(runs.appendingPathComponent(arm).appendingPathComponent("seed-\(seed)"))
    }

    /// The search process's standard output and error files of (arm, seed).
    package func processOutput(arm: String, seed: Int) -> (out: URL, err: URL) {
        let folder = runs.appendingPathComponent(arm)
        return (folder.appendingPathComponent("seed-\(seed).log"), folder.appendingPathComponent("seed-\(seed).err"))
    }

    /// The output files of the re-training process of `training`: `final/<index>-seed<t>.log`, `.err`.
    package func processOutput(final training: FinalTraining) -> (out: URL, err: URL) {
        (finals.appendingPathComponent("\(training.key).log"), finals.appendingPathComponent("\(training.key).err"))
    }

    /// Where a database search's candidates train on this machine (`rednas search --workdir`).
    package func workspace(arm: String, seed: Int) -> URL {
        runs.appendingPathComponent(arm).appendingPathComponent("seed-\(seed).work")
    }

    /// The workspace of the final re-training of architecture `index` with training seed `seed`.
    package func final(index: Int, seed: Int) -> URL { finals.appendingPathComponent("\(index)-seed\(seed)") }

    /// Appends a line to `study.log` (best effort: the log is for people, not for resuming).
    package func appendLog(_ line: String) {
        let data = Data((line + "\n").utf8)
        if let handle = FileHandle(forWritingAtPath: log.path) {
            handle.seekToEndOfFile(); handle.write(data); try? handle.close()
        } else {
            try? data.write(to: log)
        }
    }

    /// The recorded failures, keyed by ``StudyJob/key``; empty when none.
    package func loadFailures() -> [String: String] {
        guard let data = try? Data(contentsOf: failures) else { return [:] }
        if let document = try? JSONStyle.decoder().decode(Failures.self, from: data) { return document.failures }
        return (try? JSONDecoder().decode([String: String].self, from: data)) ?? [:]  // schema 1: the bare map
    }

    package func saveFailures(_ failures: [String: String]) throws {
        try AtomicFile.write(try JSONStyle.document(Failures(failures: failures)), to: self.failures)
    }

    /// `failures.json`: the reason of each failed search, by ``StudyJob/key``.
    private struct Failures: Codable {
        var failures: [String: String]
    }
}
