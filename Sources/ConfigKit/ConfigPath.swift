/// A coding key used by the node decoder: a mapping key or a sequence index.
public struct ConfigKey: CodingKey, Hashable, Sendable {
    /// The key as text (a sequence index as its decimal digits).
    public let stringValue: String
    /// The sequence index, or `nil` for a mapping key.
    public let intValue: Int?

    /// A mapping key.
    public init(stringValue: String) { self.stringValue = stringValue; self.intValue = nil }
    /// A sequence index.
    public init(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
    init(_ key: CodingKey) {
        if let key = key as? ConfigKey { self = key } else { self.init(stringValue: key.stringValue) }
    }
}

enum ConfigPath {
    /// `search.budget.evaluations`, `network.cells_per_stage[1]`; "" for the root.
    static func format(_ path: [CodingKey]) -> String {
        var text = ""
        for key in path.map(ConfigKey.init) {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    /// Splits a dotted override path; `a.b[2]` and `a.b.2` both address sequence element 2.
    static func parse(_ text: String) -> [ConfigKey]? {
        var keys: [ConfigKey] = []
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            var name = Substring(part)
            var indices: [Int] = []
            while name.hasSuffix("]"), let open = name.lastIndex(of: "[") {
                guard let index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)]),
                      index >= 0 else { return nil }
                indices.insert(index, at: 0)
                name = name[..<open]
            }
            if name.isEmpty && indices.isEmpty { return nil }
            if !name.isEmpty {
                if let index = Int(name), index >= 0, !keys.isEmpty {
                    keys.append(ConfigKey(intValue: index))
                } else {
                    keys.append(ConfigKey(stringValue: String(name)))
                }
            }
            keys += indices.map(ConfigKey.init(intValue:))
        }
        return keys.isEmpty ? nil : keys
    }
}

/// Levenshtein distance, for "did you mean" suggestions (inputs are short keys).
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// The closest of `candidates` to `key`, if close enough to be a plausible typo.
func suggestion(for key: String, among candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance(key.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    return best.1 <= max(2, key.count / 3) ? best.0 : nil
}
