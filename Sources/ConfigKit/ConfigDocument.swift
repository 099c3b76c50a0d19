import Foundation
import Yams

/// A YAML configuration text parsed into a node tree that remembers where every value came from
/// (file name, line, column) and which parts were replaced by `--set` overrides.
///
/// Load it, apply overrides, then decode with ``ConfigDecoder``:
///
///     var document = try ConfigDocument(contentsOfFile: "Configs/quickstart.yaml")
///     try document.apply(overrides: ["search.population=20"])
///     let config = try ConfigDecoder().decode(MyConfig.self, from: document)
public struct ConfigDocument {
    /// The name used in error messages (usually the path as the user typed it).
    public let name: String
    /// The root node; an empty text gives an empty mapping.
    public internal(set) var root: Node
    /// The overrides applied so far, in order, with their parsed key paths.
    public internal(set) var overrides: [(keys: [ConfigKey], text: String)] = []

    /// Parses `yaml`; `name` is shown in errors. Throws ``ConfigError`` for malformed YAML
    /// (with the line and column libyaml reports) and for duplicate keys.
    public init(yaml: String, name: String) throws {
        self.name = name
        do {
            root = try Yams.compose(yaml: yaml) ?? Node.mapping(Node.Mapping([]))
        } catch let error as YamlError {
            throw ConfigDocument.translate(error, name: name, yaml: yaml)
        }
    }

    /// Reads and parses the file at `path` (a regular file or a stream such as `<(…)`, at most
    /// ``ConfigLimits/fileBytes``, UTF-8); errors name `path` as given.
    public init(contentsOfFile path: String) throws {
        try self.init(yaml: try ConfigFile.text(atPath: path), name: path)
    }

    /// The node at `keys`, if present.
    public func node(at keys: [ConfigKey]) -> Node? {
        var node = root
        for key in keys {
            guard let child = ConfigDocument.child(of: node, key) else { return nil }
            node = child
        }
        return node
    }

    /// Where the value at `keys` was written (`file:line:column`, or the `--set` override that
    /// supplied it): for errors that a program finds after decoding, about a value of this document.
    public func location(of keys: [ConfigKey]) -> ConfigSource { source(for: keys) }

    static func child(of node: Node, _ key: ConfigKey) -> Node? {
        if let index = key.intValue {
            guard case let .sequence(sequence) = node, index < sequence.count else { return nil }
            return sequence[index]
        }
        guard case let .mapping(mapping) = node else { return nil }
        return mapping.first(where: { $0.key.string == key.stringValue })?.value
    }

    /// Where to point an error about the value at `path` (or about its key, when `atKey`):
    /// the override that produced it, else the deepest node of the path present in the file.
    func source(for path: [CodingKey], atKey: Bool = false) -> ConfigSource {
        let keys = path.map(ConfigKey.init)
        if let override = overrides.last(where: { keys.starts(with: $0.keys) }) {
            return .override(override.text)
        }
        var node = root
        var mark = root.mark
        var synthetic = false  // a node an override created (it has no position)
        for (depth, key) in keys.enumerated() {
            let isLast = depth == keys.count - 1
            if key.intValue == nil, case let .mapping(mapping) = node,
               let pair = mapping.first(where: { $0.key.string == key.stringValue }) {
                // Point at the value, or at the key for key errors; a path that ends below a
                // section the file does not spell out points at that section's key.
                let nextExists = isLast || ConfigDocument.child(of: pair.value, keys[depth + 1]) != nil
                let useKey = (atKey && isLast) || !nextExists
                let chosen = useKey ? pair.key : pair.value
                synthetic = chosen.mark == nil
                mark = chosen.mark ?? mark
                node = pair.value
                if useKey { break }
                continue
            }
            guard let child = ConfigDocument.child(of: node, key) else { break }
            node = child
            synthetic = child.mark == nil
            mark = child.mark ?? mark
        }
        if synthetic, let override = overrides.last(where: { $0.keys.starts(with: keys) }) {
            return .override(override.text)
        }
        guard let mark else { return .wholeFile(name: name) }
        return .file(name: name, line: mark.line, column: mark.column)
    }

    /// A ``ConfigError`` about the value at `path`.
    func error(at path: [CodingKey], atKey: Bool = false, _ message: String) -> ConfigError {
        ConfigError(source: source(for: path, atKey: atKey), keyPath: ConfigPath.format(path), message: message)
    }
}

extension ConfigDocument {
    static func translate(_ error: YamlError, name: String, yaml: String) -> ConfigError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let detail = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return ConfigError(source: .file(name: name, line: mark.line, column: mark.column), keyPath: nil,
                               message: "malformed YAML: \(problem)\(detail)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let key = duplicates.first ?? "?"
            let again = repeatLine(of: key, after: context.mark, in: yaml)
            return ConfigError(source: .file(name: name, line: context.mark.line, column: context.mark.column),
                               keyPath: nil,
                               message: "duplicate key '\(key)'" + (again.map { " (given again at line \($0))" } ?? ""))
        default:
            return ConfigError(source: .wholeFile(name: name), keyPath: nil, message: "malformed YAML: \(error)")
        }
    }

    /// The line where `key` appears again at the same indentation after `mark` (best effort, for messages).
    private static func repeatLine(of key: String, after mark: Mark, in yaml: String) -> Int? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        let indent = String(repeating: " ", count: max(0, mark.column - 1))
        for number in mark.line..<lines.count {
            let line = lines[number]
            guard line.hasPrefix(indent) else { continue }
            let rest = line.dropFirst(indent.count)
            if rest.hasPrefix(key), rest.dropFirst(key.count).drop(while: { $0 == " " }).hasPrefix(":") {
                return number + 1
            }
        }
        return nil
    }
}
