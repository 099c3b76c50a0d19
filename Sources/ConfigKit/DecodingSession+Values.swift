import Yams

extension DecodingSession {
    /// Decodes one value: scalars are converted strictly by their YAML type (a quoted "10" is a string,
    /// not an integer); ``ConfigEnumeration`` values must be one of the allowed names; other types
    /// decode through their `init(from:)` and are then checked by ``ConfigValidatable/validate()``.
    func decodeValue<T: Decodable>(_ type: T.Type, node: Node, path: [CodingKey]) throws -> T {
        if let scalar = try decodeScalar(T.self, node: node, path: path) { return scalar }
        if let enumeration = T.self as? ConfigEnumeration.Type {
            let allowed = enumeration.allowedValues
            if node.yamlType == .null { throw nullError(at: path, expected: "one of \(allowed.joined(separator: " | "))") }
            guard case let .scalar(scalar) = node, allowed.contains(scalar.string) else {
                throw error(at: path, "expected one of \(allowed.joined(separator: " | ")), found \(ConfigDocument.describe(node))")
            }
        }
        let value = try T(from: NodeDecoder(node: node, codingPath: path, session: self))
        if let validatable = value as? ConfigValidatable {
            do {
                try validatable.validate()
            } catch let invalid as InvalidConfigValue {
                let keys = invalid.key.flatMap(ConfigPath.parse) ?? []
                throw error(at: path + keys, invalid.message)
            }
        }
        return value
    }

    /// The value if `T` is a standard scalar type (Bool, String, integers, floating point), else nil.
    private func decodeScalar<T>(_ type: T.Type, node: Node, path: [CodingKey]) throws -> T? {
        func mismatch(_ expected: String) -> ConfigError {
            if node.yamlType == .null { return nullError(at: path, expected: expected) }
            return error(at: path, "expected \(expected), found \(ConfigDocument.describe(node))")
        }
        if T.self == String.self {
            guard case let .scalar(scalar) = node, node.yamlType != .null else { throw mismatch("a string") }
            return scalar.string as? T
        }
        if T.self == Bool.self {
            guard case let .scalar(scalar) = node, node.yamlType == .bool, let value = Bool.construct(from: scalar)
            else { throw mismatch("true or false") }
            return value as? T
        }
        if let integerType = T.self as? any FixedWidthInteger.Type {
            guard case let .scalar(scalar) = node, node.yamlType == .int else { throw mismatch("an integer") }
            guard let wide = Int64.construct(from: scalar), let value = integerType.init(exactly: wide) else {
                throw error(at: path, "the integer \(scalar.string) is out of range for \(integerType)")
            }
            return value as? T
        }
        if let floatType = T.self as? any BinaryFloatingPoint.Type {
            guard case let .scalar(scalar) = node, node.yamlType == .int || node.yamlType == .float,
                  let value = Double.construct(from: scalar) ?? Int64.construct(from: scalar).map(Double.init)
            else { throw mismatch("a number") }
            guard value.isFinite else { throw mismatch("a finite number") }
            return floatType.init(value) as? T
        }
        return nil
    }
}

extension DecodingSession {
    /// A key written without a value (`epochs:`, `epochs: ~`, `--set epochs=~`): never taken as the
    /// default, since the user meant to say something.
    func nullError(at path: [CodingKey], expected: String) -> ConfigError {
        error(at: path, "no value given (null); write \(expected), or leave the key out to use its default")
    }
}
