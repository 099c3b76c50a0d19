import CellSpace
import ConfigKit
import Evolution
import Foundation
import Persistence
import Configuration
import RunModel

/// Wiring between a config, a run directory and the driver: creating a run, reopening it for
/// resume (refusing changed configs), and the settings the driver runs with.
package enum SearchSession {
    /// Creates a new run directory for `config` and writes its resolved config and space into it.
    /// `runDir` nil → `<output.runs_dir>/<output.name or search-YYYYMMDD-HHMMSS>`.
    package static func create(config: ExperimentConfig, runDir: String?) throws -> RunDirectory {
        let url = URL(fileURLWithPath: runDir ?? defaultRunPath(config))
        let run = RunDirectory(url)
        if run.exists { throw SearchError.runExists(run.url.path) }
        if FileManager.default.fileExists(atPath: run.journal.path) { throw SearchError.runExists(run.url.path) }
        let spaceFile = try SearchSpaceFile.load(setting: config.search.space)
        let space = try spaceFile.space(restrictedTo: config.search.ops)
        var resolvedSpace = spaceFile
        resolvedSpace.operations = space.operationNames
        try FileManager.default.createDirectory(at: run.url, withIntermediateDirectories: true)
        try AtomicFile.write(try ResolvedConfig.yaml(resolvedSpace), to: run.space)
        // The config goes last: its presence is what marks the folder as a run.
        try AtomicFile.write(try config.resolvedYAML(), to: run.config)
        return run
    }

    /// The stored config of a run, with `overrides` applied; refuses any change but a budget increase.
    package static func reopen(_ run: RunDirectory, overrides: [String] = []) throws -> ExperimentConfig {
        guard run.exists else { throw SearchError.notARun(run.url.path) }
        let stored = try ExperimentConfig.load(contentsOfFile: run.config.path)
        guard !overrides.isEmpty else { return stored }
        let updated = try ExperimentConfig.load(contentsOfFile: run.config.path, overrides: overrides)
        let forbidden = try updated.changesForbiddenOnResume(comparedTo: stored)
        if !forbidden.isEmpty { throw SearchError.configChanged(path: run.config.path, keys: forbidden) }
        let (old, new) = (stored.search.budget, updated.search.budget)
        if shrinks(old.evaluations, new.evaluations) || shrinks(old.seconds, new.seconds) {
            throw SearchError.configChanged(path: run.config.path, keys: ["search.budget (it may grow, not shrink)"])
        }
        if updated != stored { try AtomicFile.write(try updated.resolvedYAML(), to: run.config) }
        return updated
    }

    private static func shrinks<T: Comparable>(_ old: T?, _ new: T?) -> Bool {
        guard let old else { return false }  // unlimited before
        guard let new else { return false }  // unlimited now: grows
        return new < old
    }

    /// What the driver runs with, from the run's config and its stored space.
    package static func settings(for config: ExperimentConfig, run: RunDirectory) throws -> SearchSettings {
        let space = try SearchSpaceFile.load(contentsOfFile: run.space.path).space(restrictedTo: nil)
        return SearchSettings(algorithm: config.search.evolutionAlgorithm, fitness: config.fitness.fitness,
                              budget: config.search.budget.budget, seed: UInt64(bitPattern: Int64(config.seed)), space: space,
                              reuseCanonical: config.search.cache)
    }

    static func defaultRunPath(_ config: ExperimentConfig) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        let name = config.output.name ?? "search-\(formatter.string(from: Date()))"
        return (config.output.runsDir as NSString).appendingPathComponent(name)
    }
}

extension RunDirectory {
    /// The search space the run was started with (resolved op list).
    package var space: URL { url.appendingPathComponent("space.yaml") }
}
