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
        if FileManager.default.fileExists(atPath: run.journal.path) {
            // A search killed while creating the run leaves a journal holding only its header: start over it.
            guard let journal = try? run.loadJournal(), journal.records.isEmpty, journal.tornTail == nil else {
                throw SearchError.runExists(run.url.path)
            }
            try FileManager.default.removeItem(at: run.journal)
        }
        let spaceFile = try SearchSpaceFile.load(setting: config.search.space)
        let space = try spaceFile.space(restrictedTo: config.search.ops)
        var resolvedSpace = spaceFile
        resolvedSpace.operations = space.operationNames
        try FileManager.default.createDirectory(at: run.url, withIntermediateDirectories: true)
        try AtomicFile.write(try ResolvedConfig.yaml(resolvedSpace), to: run.space)
        // The journal starts with the run's binding (fingerprint of config and space).
        try run.bindJournal(try RunBinding.of(config: config, space: resolvedSpace), legacyRecords: 0)
        // The config goes last: its presence is what marks the folder as a run.
        try AtomicFile.write(try config.resolvedYAML(), to: run.config)
        return run
    }

    /// The stored config of a run, with `overrides` applied; refuses any change but a budget increase,
    /// and a run whose files no longer match its journal (see `RunDirectory.verifiedJournal`).
    package static func reopen(_ run: RunDirectory, overrides: [String] = []) throws -> ExperimentConfig {
        guard run.exists else { throw SearchError.notARun(run.url.path) }
        let stored = try ExperimentConfig.load(contentsOfFile: run.config.path)
        _ = try run.verifiedJournal()
        guard !overrides.isEmpty else { return stored }
        let updated = try ExperimentConfig.load(contentsOfFile: run.config.path, overrides: overrides)
        let forbidden = try updated.changesForbiddenOnResume(comparedTo: stored)
        if !forbidden.isEmpty { throw SearchError.configChanged(path: run.config.path, keys: forbidden) }
        let shrunk = budgetShrinks(from: stored.search.budget, to: updated.search.budget)
        if !shrunk.isEmpty {
            throw SearchError.budgetShrinks(path: run.config.path, changes: shrunk)
        }
        if updated != stored { try AtomicFile.write(try updated.resolvedYAML(), to: run.config) }
        return updated
    }

    /// The budget keys that `new` makes smaller than `old`, with their values. Every limit counts:
    /// nil is unlimited, so adding a limit where there was none (e.g. `search.budget.seconds=5` on a
    /// run limited only by evaluations) shrinks the budget too.
    package static func budgetShrinks(from old: BudgetConfig, to new: BudgetConfig) -> [String] {
        func shrinks<T: Comparable>(_ old: T?, _ new: T?) -> Bool {
            guard let new else { return false }  // unlimited now: never smaller
            guard let old else { return true }  // a limit where there was none
            return new < old
        }
        func show<T>(_ v: T?) -> String { v.map { "\($0)" } ?? "unlimited" }
        var keys: [String] = []
        if shrinks(old.evaluations, new.evaluations) {
            keys.append("search.budget.evaluations \(show(old.evaluations)) → \(show(new.evaluations))")
        }
        if shrinks(old.seconds, new.seconds) { keys.append("search.budget.seconds \(show(old.seconds)) → \(show(new.seconds))") }
        if shrinks(old.epochs, new.epochs) { keys.append("search.budget.epochs \(show(old.epochs)) → \(show(new.epochs))") }
        return keys
    }

    /// What the driver runs with, from the run's config and its stored space.
    package static func settings(for config: ExperimentConfig, run: RunDirectory) throws -> SearchSettings {
        try settings(for: config, space: try SearchSpaceFile.load(contentsOfFile: run.space.path))
    }

    /// What the driver runs with, from a config and its resolved space.
    package static func settings(for config: ExperimentConfig, space file: SearchSpaceFile) throws -> SearchSettings {
        let space = try file.space(restrictedTo: nil)
        return SearchSettings(algorithm: config.search.evolutionAlgorithm, fitness: config.fitness.fitness,
                              budget: config.search.budget.budget, seed: UInt64(bitPattern: Int64(config.seed)), space: space,
                              reuseCanonical: config.search.cache,
                              ladder: config.search.scheduler.ladder(maxEpochs: config.training.epochs),
                              generationSize: config.search.generations, trainingEpochs: config.training.epochs)
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
