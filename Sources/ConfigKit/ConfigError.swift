/// Where a configuration problem comes from: a place in a YAML file, or a `--set` override.
public enum ConfigSource: Equatable, Sendable, CustomStringConvertible {
    /// A position in a named YAML text (`line` and `column` start at 1).
    case file(name: String, line: Int, column: Int)
    /// A named YAML text when no position is known (e.g. the file could not be read).
    case wholeFile(name: String)
    /// A command-line override, kept verbatim (`search.population=abc`).
    case override(String)

    /// `file:line:column`, the file name, or `--set key=value`.
    public var description: String {
        switch self {
        case let .file(name, line, column): return "\(name):\(line):\(column)"
        case let .wholeFile(name): return name
        case let .override(text): return "--set \(text)"
        }
    }
}

/// A configuration error that names where it happened and what is wrong, e.g.
/// `Configs/x.yaml:12:5: search.population: expected an integer, found "ten"`.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Where the offending text is.
    public var source: ConfigSource
    /// The dotted key path of the offending value (`search.budget.evaluations`, `network.cells_per_stage[1]`),
    /// or `nil` when the message already names it or no key is involved (malformed YAML).
    public var keyPath: String?
    /// What is wrong, in words.
    public var message: String

    /// An error at `source` about `keyPath`.
    public init(source: ConfigSource, keyPath: String?, message: String) {
        self.source = source
        self.keyPath = keyPath
        self.message = message
    }

    /// `source: key: message`, e.g. `Configs/x.yaml:12:5: search.population: expected an integer, found "ten"`.
    public var description: String {
        let key = keyPath.map { $0.isEmpty ? "" : "\($0): " } ?? ""
        return "\(source): \(key)\(message)"
    }
}

#if canImport(Foundation)
import Foundation
extension ConfigError: LocalizedError {
    /// The same as ``ConfigError/description``.
    public var errorDescription: String? { description }
}
#endif
