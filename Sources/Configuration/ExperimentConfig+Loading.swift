import ConfigKit

extension ExperimentConfig {
    /// Reads `path`, applies `--set` overrides, decodes strictly (errors are ``ConfigError``s naming
    /// file:line:column and key, or the override).
    package static func load(contentsOfFile path: String, overrides: [String] = []) throws -> ExperimentConfig {
        try ConfigDecoder().decode(ExperimentConfig.self, contentsOfFile: path, overrides: overrides)
    }

    /// The resolved configuration (every default filled in) as YAML, for the run directory.
    package func resolvedYAML() throws -> String { try ResolvedConfig.yaml(self) }

    /// Keys that may change when resuming a run: the budget only.
    package static let keysAllowedToChangeOnResume = ["search.budget"]

    /// Key paths that differ from `stored` (the resolved config of the run being resumed) other
    /// than ``keysAllowedToChangeOnResume``; empty = safe to resume.
    package func changesForbiddenOnResume(comparedTo stored: ExperimentConfig) throws -> [String] {
        ResolvedConfig.disallowed(try ResolvedConfig.differingKeyPaths(stored, self),
                                  allowing: Self.keysAllowedToChangeOnResume)
    }
}

extension TrainRunConfig {
    /// Reads `path`, applies `--set` overrides, decodes strictly.
    package static func load(contentsOfFile path: String, overrides: [String] = []) throws -> TrainRunConfig {
        try ConfigDecoder().decode(TrainRunConfig.self, contentsOfFile: path, overrides: overrides)
    }

    /// The resolved configuration as YAML.
    package func resolvedYAML() throws -> String { try ResolvedConfig.yaml(self) }
}
