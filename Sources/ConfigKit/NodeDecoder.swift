import Yams

/// A `Decoder` over one node of the tree; containers report every problem as a located ``ConfigError``.
struct NodeDecoder: Decoder {
    let node: Node
    let codingPath: [CodingKey]
    let session: DecodingSession
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let mapping: Node.Mapping
        switch node {
        case let .mapping(value): mapping = value
        case .scalar where node.yamlType == .null: mapping = Node.Mapping([])  // `section:` left empty
        default: throw session.error(at: codingPath, "expected a mapping of keys, found \(ConfigDocument.describe(node))")
        }
        for pair in mapping where pair.key.string == nil || pair.key.yamlType == .null {
            throw session.error(at: codingPath, "keys must be plain names, found \(ConfigDocument.describe(pair.key))")
        }
        session.beginVisit(mapping, at: codingPath)
        return KeyedDecodingContainer(KeyedNodeContainer<Key>(mapping: mapping, codingPath: codingPath, session: session))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard case let .sequence(sequence) = node else {
            if node.yamlType == .null { throw session.nullError(at: codingPath, expected: "a list") }
            throw session.error(at: codingPath, "expected a list, found \(ConfigDocument.describe(node))")
        }
        guard sequence.count <= ConfigLimits.listElements else {
            throw session.error(at: codingPath, "the list has \(sequence.count) elements; lists may hold at most \(ConfigLimits.listElements)")
        }
        return UnkeyedNodeContainer(elements: Array(sequence), codingPath: codingPath, session: session)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer {
        SingleValueNodeContainer(node: node, codingPath: codingPath, session: session)
    }
}

struct KeyedNodeContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let mapping: Node.Mapping
    let codingPath: [CodingKey]
    let session: DecodingSession

    var allKeys: [Key] { mapping.compactMap { $0.key.string.flatMap(Key.init(stringValue:)) } }

    func contains(_ key: Key) -> Bool {
        session.noteRequested(key.stringValue, at: codingPath)
        return value(for: key) != nil
    }

    private func value(for key: Key) -> Node? {
        mapping.first(where: { $0.key.string == key.stringValue })?.value
    }

    private func require(_ key: Key) throws -> Node {
        session.noteConsumed(key.stringValue, at: codingPath)
        if let node = value(for: key) { return node }
        var message = "missing required key '\(key.stringValue)'"
        if let typo = suggestion(for: key.stringValue, among: session.unconsumedKeys(at: codingPath)) {
            message += " (is '\(typo)' a misspelling of it?)"
        }
        throw session.error(at: codingPath, message)
    }

    private func path(_ key: Key) -> [CodingKey] { codingPath + [ConfigKey(stringValue: key.stringValue)] }

    // A null value (`epochs: ~`, `epochs:`) is never "not given": it goes on to `decode`, which
    // rejects it for values and lists and reads it as an empty mapping for a section (`dataset:`
    // with everything under it commented out). So `decodeIfPresent` returns nil only for an absent key.
    func decodeNil(forKey key: Key) throws -> Bool {
        _ = try require(key)
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try session.decodeValue(T.self, node: require(key), path: path(key))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey> {
        try NodeDecoder(node: require(key), codingPath: path(key), session: session).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
        try NodeDecoder(node: require(key), codingPath: path(key), session: session).unkeyedContainer()
    }

    func superDecoder() throws -> Decoder {
        NodeDecoder(node: .mapping(mapping), codingPath: codingPath, session: session)
    }

    func superDecoder(forKey key: Key) throws -> Decoder {
        NodeDecoder(node: try require(key), codingPath: path(key), session: session)
    }
}

struct UnkeyedNodeContainer: UnkeyedDecodingContainer {
    let elements: [Node]
    let codingPath: [CodingKey]
    let session: DecodingSession
    private(set) var currentIndex = 0

    init(elements: [Node], codingPath: [CodingKey], session: DecodingSession) {
        self.elements = elements
        self.codingPath = codingPath
        self.session = session
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func next() throws -> (Node, [CodingKey]) {
        guard !isAtEnd else {
            throw session.error(at: codingPath, "the list has too few elements (\(elements.count))")
        }
        defer { currentIndex += 1 }
        return (elements[currentIndex], codingPath + [ConfigKey(intValue: currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex].yamlType == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (node, path) = try next()
        return try session.decodeValue(T.self, node: node, path: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey> {
        let (node, path) = try next()
        return try NodeDecoder(node: node, codingPath: path, session: session).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer {
        let (node, path) = try next()
        return try NodeDecoder(node: node, codingPath: path, session: session).unkeyedContainer()
    }

    mutating func superDecoder() throws -> Decoder {
        let (node, path) = try next()
        return NodeDecoder(node: node, codingPath: path, session: session)
    }
}

struct SingleValueNodeContainer: SingleValueDecodingContainer {
    let node: Node
    let codingPath: [CodingKey]
    let session: DecodingSession

    func decodeNil() -> Bool { node.yamlType == .null }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try session.decodeValue(T.self, node: node, path: codingPath)
    }
}
