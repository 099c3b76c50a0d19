import Yams

/// Encodes an `Encodable` value into a Yams node tree with keys in encoding (declaration) order.
/// Unlike `YAMLEncoder`, which writes doubles in scientific notation with 15 significant digits,
/// numbers are written as Swift prints them (`0.1`, `0.0005`, `1e-05`): readable and exactly
/// round-tripping. Strings that YAML would read as another type (`"9930"`, `"true"`) are quoted.
final class NodeEncoder {
    /// A growing node: containers are filled in place, then frozen into a `Node`.
    final class Box {
        enum Content { case empty, scalar(Node), mapping([(String, Box)]), sequence([Box]) }
        var content: Content = .empty

        var node: Node {
            switch content {
            case .empty: return Node("null", Tag(.null))
            case let .scalar(node): return node
            case let .mapping(pairs): return .mapping(Node.Mapping(pairs.map { (Node($0.0), $0.1.node) }))
            case let .sequence(items): return .sequence(Node.Sequence(items.map(\.node)))
            }
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> Node {
        let box = Box()
        try value.encode(to: BoxEncoder(box: box, codingPath: []))
        return box.node
    }

    static func scalar(_ value: Any) -> Node? {
        switch value {
        case let string as String:
            let plain = Node(string)
            let readsBack = plain.yamlType == .str && !string.isEmpty && string.trimmingCharacters(in: .whitespaces) == string
            return .scalar(Node.Scalar(string, Tag(.str), readsBack ? .plain : .doubleQuoted))
        case let bool as Bool: return Node(bool ? "true" : "false", Tag(.bool))
        case let double as Double: return Node(double.description, Tag(.float))
        case let float as Float: return Node(float.description, Tag(.float))
        case let integer as any BinaryInteger: return Node(String(describing: integer), Tag(.int))
        default: return nil
        }
    }
}

private struct BoxEncoder: Encoder {
    let box: NodeEncoder.Box
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .mapping = box.content {} else { box.content = .mapping([]) }
        return KeyedEncodingContainer(KeyedBoxContainer<Key>(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        if case .sequence = box.content {} else { box.content = .sequence([]) }
        return UnkeyedBoxContainer(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> SingleValueEncodingContainer { SingleBoxContainer(box: box, codingPath: codingPath) }
}

/// Encodes `value` into `box`: scalars directly, anything else through its `encode(to:)`.
private func fill<T: Encodable>(_ box: NodeEncoder.Box, with value: T, path: [CodingKey]) throws {
    if let node = NodeEncoder.scalar(value) {
        box.content = .scalar(node)
    } else {
        try value.encode(to: BoxEncoder(box: box, codingPath: path))
    }
}

private struct KeyedBoxContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: NodeEncoder.Box
    let codingPath: [CodingKey]

    private func child(_ key: Key) -> NodeEncoder.Box {
        guard case var .mapping(pairs) = box.content else { preconditionFailure("not a mapping") }
        let child = NodeEncoder.Box()
        pairs.removeAll { $0.0 == key.stringValue }
        pairs.append((key.stringValue, child))
        box.content = .mapping(pairs)
        return child
    }

    mutating func encodeNil(forKey key: Key) throws { _ = child(key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try fill(child(key), with: value, path: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey> {
        BoxEncoder(box: child(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        BoxEncoder(box: child(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder { BoxEncoder(box: box, codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> Encoder { BoxEncoder(box: child(key), codingPath: codingPath + [key]) }
}

private struct UnkeyedBoxContainer: UnkeyedEncodingContainer {
    let box: NodeEncoder.Box
    let codingPath: [CodingKey]

    var count: Int {
        if case let .sequence(items) = box.content { return items.count }
        return 0
    }

    private func next() -> NodeEncoder.Box {
        guard case var .sequence(items) = box.content else { preconditionFailure("not a sequence") }
        let child = NodeEncoder.Box()
        items.append(child)
        box.content = .sequence(items)
        return child
    }

    mutating func encodeNil() throws { _ = next() }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try fill(next(), with: value, path: codingPath + [ConfigKey(intValue: count)])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        BoxEncoder(box: next(), codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        BoxEncoder(box: next(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder { BoxEncoder(box: next(), codingPath: codingPath) }
}

private struct SingleBoxContainer: SingleValueEncodingContainer {
    let box: NodeEncoder.Box
    let codingPath: [CodingKey]

    mutating func encodeNil() throws { box.content = .empty }
    mutating func encode<T: Encodable>(_ value: T) throws { try fill(box, with: value, path: codingPath) }
}
