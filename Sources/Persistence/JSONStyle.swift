import Foundation

/// The one JSON style of every file and report RedNAS writes: snake_case keys (Swift property
/// names converted by the encoder, so a new field follows the style without a `CodingKeys` entry)
/// and, on documents, a top-level `schema_version`.
///
/// Readers take the same factory's decoder, which accepts both the snake_case keys of
/// `schemaVersion` 2 and the camelCase keys that files from before it (schema 1, no
/// `schema_version` member) carry, so old run directories stay readable as they are.
///
/// Dictionary keys (`[String: T]`: operation names, tensor names) are data, not field names: the
/// encoder and decoder leave them as they are. Types decoded through `decoder()` must let the
/// decoder map names (no snake_case raw values in their `CodingKeys`).
public enum JSONStyle {
    /// The version of the key style and file layouts this code writes: 2 = snake_case keys.
    /// Files without a `schema_version` member are version 1 (camelCase keys in journal records,
    /// `metrics.json`, `msrs.json`, `state.json`).
    public static let schemaVersion = 2

    /// The member that carries the version in a document.
    public static let versionKey = "schema_version"

    /// An encoder writing snake_case keys with sorted members (pretty-printed when `pretty`).
    public static func encoder(pretty: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A decoder reading snake_case keys and, for files of schema 1, camelCase ones.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// `value` as a document: its JSON object with `schema_version` added. `value` must encode as
    /// a keyed container (a struct or class), as every RedNAS document does. With
    /// `nonFiniteAsStrings`, NaN and infinities are written as the strings "nan", "inf" and "-inf"
    /// (statistics that can be undefined); without it they fail to encode.
    public static func document<T: Encodable>(_ value: T, pretty: Bool = true, nonFiniteAsStrings: Bool = false) throws -> Data {
        let encoder = encoder(pretty: pretty)
        if nonFiniteAsStrings {
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        }
        return try encoder.encode(Versioned(value: value))
    }

    /// `value`'s JSON object (snake_case keys, with `schema_version`), for callers that add members.
    ///
    /// - Throws: `EncodingError` when `value` does not encode, `PersistenceError.malformed` when it
    ///   is not a JSON object.
    public static func object<T: Encodable>(_ value: T) throws -> [String: Any] {
        let data = try document(value, pretty: false)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw PersistenceError.malformed(path: "\(T.self)", detail: "does not encode as a JSON object")
        }
        return object
    }

    /// Pretty, key-sorted text of a JSON object built by hand (`object(_:)` plus extra members).
    ///
    /// - Throws: when `object` holds a value JSON cannot represent.
    public static func text(_ object: [String: Any]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// The `schema_version` of a document: 1 when it has none (files from before the member).
    ///
    /// - Throws: `PersistenceError.malformed` naming `path` when the data is not a JSON object, or
    ///   its version is newer than this code reads.
    public static func version(of data: Data, path: String) throws -> Int {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw PersistenceError.malformed(path: path, detail: "not a JSON object")
        }
        let version = (object[versionKey] as? Int) ?? 1
        guard version <= schemaVersion else {
            throw PersistenceError.malformed(path: path, detail: "written with schema_version \(version), newer than this rednas "
                                                + "reads (\(schemaVersion)); use a newer rednas")
        }
        return version
    }

    private struct Versioned<T: Encodable>: Encodable {
        let value: T

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: Encoder) throws {
            try value.encode(to: encoder)
            // The value's members and the version share one object: JSONEncoder merges keyed
            // containers requested at the same level.
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(JSONStyle.schemaVersion, forKey: Key(stringValue: "schemaVersion"))
        }
    }
}
