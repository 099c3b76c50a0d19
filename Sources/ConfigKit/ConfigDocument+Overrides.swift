import Foundation
import Yams

extension ConfigDocument {
    /// Applies `key.path=value` overrides in order (later ones win). The value is parsed as YAML
    /// (`20`, `true`, `[2, 2, 2]`, `{evaluations: 50}`, `"a string"`), so it is validated exactly like
    /// file content when the document is decoded, and errors then name the override. Missing
    /// intermediate mappings are created; a key the schema does not know is reported at decoding.
    /// Throws ``ConfigError`` for a malformed override or a path through a non-mapping value.
    public mutating func apply(overrides texts: [String]) throws {
        for text in texts { try apply(override: text) }
    }

    /// Applies one `key.path=value` override; see ``apply(overrides:)``.
    public mutating func apply(override text: String) throws {
        func fail(_ message: String) -> ConfigError {
            ConfigError(source: .override(text), keyPath: nil, message: message)
        }
        guard let equals = text.firstIndex(of: "=") else {
            throw fail("expected key.path=value")
        }
        let pathText = text[..<equals].trimmingCharacters(in: .whitespaces)
        guard let keys = ConfigPath.parse(pathText) else {
            throw fail("'\(pathText)' is not a key path (expected names separated by dots, e.g. search.population)")
        }
        let valueText = String(text[text.index(after: equals)...])
        guard !valueText.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw fail("no value after '=' (write \(pathText)=VALUE; leave the --set out to keep the config's value)")
        }
        let value: Node
        do {
            value = try Yams.compose(yaml: valueText).map(ConfigDocument.strippingMarks) ?? Node("", .implicit, .plain)
        } catch let error as YamlError {
            let yamlError = ConfigDocument.translate(error, name: "value", yaml: valueText)
            throw fail("the value is not valid YAML: \(yamlError.message)")
        }
        root = try ConfigDocument.setting(value, at: keys[...], in: root, prefix: []) { path, message in
            ConfigError(source: .override(text), keyPath: ConfigPath.format(path), message: message)
        }
        overrides.append((keys, text))
    }

    private static func setting(_ value: Node, at keys: ArraySlice<ConfigKey>, in node: Node, prefix: [ConfigKey],
                                error: ([ConfigKey], String) -> ConfigError) throws -> Node {
        guard let key = keys.first else { return value }
        let path = prefix + [key]
        if let index = key.intValue {
            guard case var .sequence(sequence) = node else {
                throw error(prefix, "cannot index \(describe(node)) with [\(index)]")
            }
            guard index < sequence.count else {
                throw error(path, "index \(index) is out of range (the list has \(sequence.count) elements)")
            }
            sequence[index] = try setting(value, at: keys.dropFirst(), in: sequence[index], prefix: path, error: error)
            return .sequence(sequence)
        }
        var pairs: [(Node, Node)]
        var mark: Mark? = nil
        switch node {
        case let .mapping(mapping):
            pairs = mapping.map { ($0.key, $0.value) }
            mark = mapping.mark
        case .scalar where node.yamlType == .null:
            pairs = []  // `section:` with nothing under it
        default:
            throw error(prefix, "cannot set '\(key.stringValue)' inside \(describe(node))")
        }
        if let position = pairs.firstIndex(where: { $0.0.string == key.stringValue }) {
            let child = try setting(value, at: keys.dropFirst(), in: pairs[position].1, prefix: path, error: error)
            pairs[position].1 = child
        } else {
            let empty = Node.mapping(Node.Mapping([]))
            let child = try setting(value, at: keys.dropFirst(), in: empty, prefix: path, error: error)
            pairs.append((Node(key.stringValue), child))
        }
        return .mapping(Node.Mapping(pairs, .implicit, .any, mark))
    }

    /// Override values carry no file position; their errors are attributed to the override.
    static func strippingMarks(_ node: Node) -> Node {
        switch node {
        case let .scalar(scalar):
            return .scalar(Node.Scalar(scalar.string, scalar.tag, scalar.style, nil))
        case let .mapping(mapping):
            return .mapping(Node.Mapping(mapping.map { (strippingMarks($0.key), strippingMarks($0.value)) },
                                         mapping.tag, mapping.style, nil))
        case let .sequence(sequence):
            return .sequence(Node.Sequence(sequence.map(strippingMarks), sequence.tag, sequence.style, nil))
        case .alias:
            return node
        }
    }

    /// "a mapping", "a list", "the value 12".
    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case let .scalar(scalar):
            if node.yamlType == .null { return "nothing (null)" }
            if scalar.style == .singleQuoted || scalar.style == .doubleQuoted || node.yamlType == .str {
                return "\"\(scalar.string)\""
            }
            return scalar.string
        }
    }
}

extension Node {
    /// The resolved YAML type of this node (`.null`, `.bool`, `.int`, `.float`, `.str`, ...).
    var yamlType: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}
