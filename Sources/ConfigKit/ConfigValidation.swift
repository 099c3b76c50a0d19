/// A configuration type that checks its own values after decoding (ranges, cross-field rules).
/// Throw ``InvalidConfigValue`` naming the offending key; the decoder turns it into a ``ConfigError``
/// pointing at that key's line (or at the section, when the key was not written in the file).
public protocol ConfigValidatable {
    func validate() throws
}

/// A validation failure for the key `key` (relative to the validated value; may be dotted,
/// e.g. `budget.evaluations`; `nil` = the value itself).
public struct InvalidConfigValue: Error, Equatable, CustomStringConvertible {
    /// The offending key, relative to the validated value; `nil` for the value itself.
    public var key: String?
    /// What is wrong, in words.
    public var message: String

    /// A failure for `key` described by `message`.
    public init(key: String?, _ message: String) {
        self.key = key
        self.message = message
    }

    /// `key: message`, or the message alone.
    public var description: String { (key.map { "\($0): " } ?? "") + message }
}

/// Throws ``InvalidConfigValue`` for `key` with `message` unless `condition` holds.
///
///     try require(population >= 1, "population", "must be at least 1, found \(population)")
public func require(_ condition: Bool, _ key: String?, _ message: @autoclosure () -> String) throws {
    if !condition { throw InvalidConfigValue(key: key, message()) }
}

/// A string enumeration whose bad values are reported with the list of allowed ones.
/// Conform any `String`-backed `CaseIterable` enum: `enum Pooling: String, Codable, CaseIterable, ConfigEnumeration`.
public protocol ConfigEnumeration {
    static var allowedValues: [String] { get }
}

extension ConfigEnumeration where Self: CaseIterable & RawRepresentable, RawValue == String {
    /// Every raw value, in declaration order.
    public static var allowedValues: [String] { allCases.map(\.rawValue) }
}

extension KeyedDecodingContainer {
    /// The value at `key`, or `defaultValue` when the key is absent or null. This is how config structs
    /// get defaults for everything not written:
    ///
    ///     let d = Self()                                   // the documented defaults
    ///     population = try c.decode(.population, default: d.population)
    public func decode<T: Decodable>(_ key: Key, default defaultValue: @autoclosure () -> T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? defaultValue()
    }
}
