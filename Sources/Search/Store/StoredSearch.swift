import ConfigKit
import Configuration
import Foundation
import Persistence
import RunModel

/// A search as a database keeps it: the resolved config and space as text, with their binding.
/// The same texts a run directory holds in `config.yaml` and `space.yaml`, so the same binding and
/// the same settings follow from them.
package struct StoredSearch: Equatable, Sendable {
    package var configYAML: String
    package var spaceYAML: String

    package init(configYAML: String, spaceYAML: String) {
        self.configYAML = configYAML; self.spaceYAML = spaceYAML
    }

    /// The texts of a new search of `config` (its space resolved as `SearchSession.create` does).
    package static func of(config: ExperimentConfig) throws -> StoredSearch {
        let spaceFile = try SearchSpaceFile.load(setting: config.search.space)
        var resolved = spaceFile
        resolved.operations = try spaceFile.space(restrictedTo: config.search.ops).operationNames
        return StoredSearch(configYAML: try config.resolvedYAML(), spaceYAML: try ResolvedConfig.yaml(resolved))
    }

    package func config(name: String) throws -> ExperimentConfig {
        try ConfigDecoder().decode(ExperimentConfig.self, yaml: configYAML, name: "\(name): config")
    }

    package func space(name: String) throws -> SearchSpaceFile {
        try ConfigDecoder().decode(SearchSpaceFile.self, yaml: spaceYAML, name: "\(name): space")
    }

    package func binding(name: String) throws -> RunBinding {
        try RunBinding.of(config: try config(name: name), space: try space(name: name))
    }

    /// What the driver and the workers run with.
    package func settings(name: String) throws -> SearchSettings {
        try SearchSession.settings(for: try config(name: name), space: try space(name: name))
    }

    /// A local run directory holding these texts (`config.yaml`, `space.yaml`), the form every
    /// reader of a run (status, export, report) works on.
    package func writeRunFiles(to run: RunDirectory) throws {
        try FileManager.default.createDirectory(at: run.url, withIntermediateDirectories: true)
        try AtomicFile.write(spaceYAML, to: run.space)
        try AtomicFile.write(configYAML, to: run.config)
    }
}
