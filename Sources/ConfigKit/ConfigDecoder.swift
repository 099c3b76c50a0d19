import Yams

/// Decodes `Decodable` values from a ``ConfigDocument`` strictly:
/// - wrong types, bad enum values (``ConfigEnumeration``), failed ``ConfigValidatable/validate()`` checks,
///   missing required keys and keys the type never reads are all errors;
/// - every error is a ``ConfigError`` naming the file, line, column and dotted key path (or the
///   `--set` override that supplied the value).
///
/// A key counts as known when the type's `init(from:)` decodes it, so a config struct that reads each
/// of its keys with `decode(_:default:)` accepts exactly its documented keys, with defaults for the rest.
public struct ConfigDecoder {
    /// A decoder; it holds no state.
    public init() {}

    /// Decodes `type` from the document's root.
    public func decode<T: Decodable>(_ type: T.Type, from document: ConfigDocument) throws -> T {
        let session = DecodingSession(document: document)
        let value: T
        do {
            value = try session.decodeValue(T.self, node: document.root, path: [])
        } catch let error as DecodingError {
            throw session.translate(error)
        }
        if let unknown = session.unknownKeys().first { throw unknown }
        return value
    }

    /// Parses `yaml` (named `name` in errors), applies `overrides`, decodes `type`.
    public func decode<T: Decodable>(_ type: T.Type, yaml: String, name: String, overrides: [String] = []) throws -> T {
        var document = try ConfigDocument(yaml: yaml, name: name)
        try document.apply(overrides: overrides)
        return try decode(type, from: document)
    }

    /// Reads the file at `path`, applies `overrides`, decodes `type`.
    public func decode<T: Decodable>(_ type: T.Type, contentsOfFile path: String, overrides: [String] = []) throws -> T {
        var document = try ConfigDocument(contentsOfFile: path)
        try document.apply(overrides: overrides)
        return try decode(type, from: document)
    }
}

/// State shared by all containers of one decoding: the document, and for every mapping read so far
/// which keys the type asked about and which it consumed (to report unknown keys afterwards).
final class DecodingSession {
    struct Visit {
        var path: [ConfigKey]
        var mapping: Node.Mapping
        var requested: [String] = []
        var consumed: Set<String> = []
    }

    let document: ConfigDocument
    private var visits: [[ConfigKey]: Visit] = [:]
    private var visitOrder: [[ConfigKey]] = []

    init(document: ConfigDocument) { self.document = document }

    func error(at path: [CodingKey], atKey: Bool = false, _ message: String) -> ConfigError {
        document.error(at: path, atKey: atKey, message)
    }

    func beginVisit(_ mapping: Node.Mapping, at path: [CodingKey]) {
        let keys = path.map(ConfigKey.init)
        if visits[keys] == nil {
            visits[keys] = Visit(path: keys, mapping: mapping)
            visitOrder.append(keys)
        }
    }

    func noteRequested(_ key: String, at path: [CodingKey]) {
        let keys = path.map(ConfigKey.init)
        if visits[keys]?.requested.contains(key) == false { visits[keys]?.requested.append(key) }
    }

    func noteConsumed(_ key: String, at path: [CodingKey]) {
        noteRequested(key, at: path)
        visits[path.map(ConfigKey.init)]?.consumed.insert(key)
    }

    /// The keys present in some visited mapping that the decoded types never read, in visit order.
    func unknownKeys() -> [ConfigError] {
        var errors: [ConfigError] = []
        for keys in visitOrder {
            guard let visit = visits[keys] else { continue }
            for pair in visit.mapping {
                let name = pair.key.string ?? ConfigDocument.describe(pair.key)
                guard !visit.consumed.contains(name) else { continue }
                let path = keys + [ConfigKey(stringValue: name)]
                var message = "unknown key '\(ConfigPath.format(path))'"
                if let hint = suggestion(for: name, among: visit.requested) {
                    message += " (did you mean '\(hint)'?)"
                } else if !visit.requested.isEmpty {
                    message += " (known keys here: \(visit.requested.joined(separator: ", ")))"
                }
                errors.append(ConfigError(source: document.source(for: path, atKey: true), keyPath: nil, message: message))
            }
        }
        return errors
    }

    /// Keys in the mapping at `path` not yet consumed: candidates when a required key is missing.
    func unconsumedKeys(at path: [CodingKey]) -> [String] {
        guard let visit = visits[path.map(ConfigKey.init)] else { return [] }
        return visit.mapping.compactMap { $0.key.string }.filter { !visit.consumed.contains($0) }
    }

    /// Converts a `DecodingError` thrown by a type's own `init(from:)` into a located ``ConfigError``.
    func translate(_ error: DecodingError) -> ConfigError {
        switch error {
        case let .dataCorrupted(context), let .typeMismatch(_, context), let .valueNotFound(_, context):
            return self.error(at: context.codingPath, context.debugDescription)
        case let .keyNotFound(key, context):
            return self.error(at: context.codingPath, "missing required key '\(key.stringValue)'")
        @unknown default:
            return ConfigError(source: .wholeFile(name: document.name), keyPath: nil, message: "\(error)")
        }
    }
}
