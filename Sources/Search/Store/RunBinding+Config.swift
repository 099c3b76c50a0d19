import ConfigKit
import Configuration
import Foundation
import Persistence
import RunModel

/// How a run directory is bound to its config and space.
///
/// The fingerprint is the SHA-256 of the resolved config with the budget neutralised (the budget
/// may grow on resume) and the resolved space, both as the YAML `rednas` writes them. It is recorded
/// in the journal's first line (with the two texts), in every epoch checkpoint and in every weights
/// file of the run. Every reader recomputes it from `DIR/config.yaml` and `DIR/space.yaml` and
/// refuses a mismatch, naming the keys that differ. When only the YAML form changed (another
/// rednas version writing the same values differently), the decoded configs are equal and the run
/// is accepted.
extension RunBinding {
    /// The binding of a run of `config` over `space`.
    package static func of(config: ExperimentConfig, space: SearchSpaceFile) throws -> RunBinding {
        var neutral = config
        neutral.search.budget = BudgetConfig(evaluations: 1, seconds: nil)
        let configText = try neutral.resolvedYAML()
        let spaceText = try ResolvedConfig.yaml(space)
        let fingerprint = SHA256.hexDigest(Array("config\n\(configText)\nspace\n\(spaceText)".utf8))
        return RunBinding(fingerprint: fingerprint, bound: ["config": configText, "space": spaceText])
    }

    /// The binding computed from a run directory's current `config.yaml` and `space.yaml`.
    package static func of(run: RunDirectory) throws -> RunBinding {
        let config = try ExperimentConfig.load(contentsOfFile: run.config.path)
        return try of(config: config, space: try SearchSpaceFile.load(contentsOfFile: run.space.path))
    }

    /// What differs between `stored` (the journal's binding) and this binding, as readable text;
    /// empty when the values are the same (only the YAML form differs).
    package func differences(from stored: RunBinding) -> String {
        var parts: [String] = []
        do {
            let old = try ConfigDecoder().decode(ExperimentConfig.self, yaml: stored.bound["config"] ?? "", name: "journal header config")
            let new = try ConfigDecoder().decode(ExperimentConfig.self, yaml: bound["config"] ?? "", name: "config.yaml")
            let keys = try new.changesForbiddenOnResume(comparedTo: old)
            if !keys.isEmpty { parts.append("config.yaml differs in \(keys.joined(separator: ", "))") }
        } catch {
            parts.append("the recorded config cannot be compared (\(error))")
        }
        do {
            let old = try ConfigDecoder().decode(SearchSpaceFile.self, yaml: stored.bound["space"] ?? "", name: "journal header space")
            let new = try ConfigDecoder().decode(SearchSpaceFile.self, yaml: bound["space"] ?? "", name: "space.yaml")
            if old != new {
                var what: [String] = []
                if old.name != new.name { what.append("name \(old.name) → \(new.name)") }
                if old.nodes != new.nodes { what.append("nodes \(old.nodes) → \(new.nodes)") }
                if old.operations != new.operations {
                    what.append("operations [\(old.operations.joined(separator: ", "))] → [\(new.operations.joined(separator: ", "))]")
                }
                parts.append("space.yaml differs: \(what.joined(separator: "; "))")
            }
        } catch {
            parts.append("the recorded space cannot be compared (\(error))")
        }
        return parts.joined(separator: "; ")
    }
}

extension RunDirectory {
    /// The journal with every check of `verifiedJournal`, bound to this directory's current config
    /// and space. `expected` nil: compute it from the directory (a run without `space.yaml`, from an
    /// old version, is checked for everything but the binding).
    package func verifiedJournal(expected: RunBinding? = nil) throws -> StoredJournal {
        let binding = try expected ?? currentBinding()
        let journal = try verifiedJournal(expected: binding) { stored in binding?.differences(from: stored) ?? "" }
        if binding == nil, journal.binding != nil {
            throw SearchError.damaged(path: space.path, detail: "is missing, but the run's journal is bound to the space it "
                                      + "was made with; restore space.yaml (its text is in the first line of journal.jsonl)")
        }
        return journal
    }

    /// The binding of the current files; nil when `space.yaml` is missing (a run from before it existed).
    package func currentBinding() throws -> RunBinding? {
        guard FileManager.default.fileExists(atPath: space.path) else { return nil }
        return try RunBinding.of(run: self)
    }
}
