import Yams

/// Writing a resolved configuration (every default filled in) and comparing two of them.
public enum ResolvedConfig {
    /// The YAML text of `value` (keys in declaration order, numbers exactly as Swift prints them),
    /// for writing into a run directory. Decoding that text with ``ConfigDecoder`` gives back an
    /// equal value.
    ///
    /// `width` is the preferred line width at which long plain strings are folded onto further
    /// lines (0: the YAML default, 80); `.max` never folds, so each value stays on one line.
    public static func yaml<T: Encodable>(_ value: T, width: Int = 0) throws -> String {
        try Yams.serialize(node: node(value), width: width == .max ? -1 : width, allowUnicode: true, sortKeys: false)
    }

    /// The node tree of `value`, as ``yaml(_:)`` writes it.
    public static func node<T: Encodable>(_ value: T) throws -> Node {
        try NodeEncoder.encode(value)
    }

    /// Dotted key paths whose values differ between two encoded configurations, sorted. A key present
    /// on one side only counts as differing; lists of different lengths differ as a whole.
    public static func differingKeyPaths<T: Encodable>(_ lhs: T, _ rhs: T) throws -> [String] {
        differingKeyPaths(try node(lhs), try node(rhs))
    }

    /// Dotted key paths whose values differ between two node trees (e.g. a stored resolved config
    /// read back with ``ConfigDocument`` and a freshly resolved one), sorted.
    public static func differingKeyPaths(_ lhs: Node, _ rhs: Node) -> [String] {
        var paths: [String] = []
        collectDifferences(lhs, rhs, path: [], into: &paths)
        return paths.sorted()
    }

    /// The paths of `differences` not covered by any of `allowed` (a path covers itself and everything
    /// under it: `search.budget` allows `search.budget.seconds`). Use it to refuse a resume whose
    /// configuration changed in anything but, say, the budget.
    public static func disallowed(_ differences: [String], allowing allowed: [String]) -> [String] {
        differences.filter { path in
            !allowed.contains { path == $0 || path.hasPrefix($0 + ".") || path.hasPrefix($0 + "[") }
        }
    }

    private static func collectDifferences(_ lhs: Node, _ rhs: Node, path: [CodingKey], into paths: inout [String]) {
        switch (lhs, rhs) {
        case let (.mapping(left), .mapping(right)):
            var keys = left.compactMap { $0.key.string }
            keys += right.compactMap { $0.key.string }.filter { !keys.contains($0) }
            for key in keys {
                let childPath = path + [ConfigKey(stringValue: key)]
                switch (left[key], right[key]) {
                case let (l?, r?): collectDifferences(l, r, path: childPath, into: &paths)
                case (nil, nil): break
                default:
                    // Absent and null both mean "not set".
                    let present = left[key] ?? right[key]
                    if present?.yamlType != .null { paths.append(ConfigPath.format(childPath)) }
                }
            }
        case let (.sequence(left), .sequence(right)) where left.count == right.count:
            for (index, (l, r)) in zip(left, right).enumerated() {
                collectDifferences(l, r, path: path + [ConfigKey(intValue: index)], into: &paths)
            }
        case let (.scalar(left), .scalar(right)):
            if !sameScalar(left, lhs.yamlType, right, rhs.yamlType) { paths.append(ConfigPath.format(path)) }
        default:
            paths.append(ConfigPath.format(path))
        }
    }

    private static func sameScalar(_ l: Node.Scalar, _ lType: Tag.Name, _ r: Node.Scalar, _ rType: Tag.Name) -> Bool {
        let numeric: Set<Tag.Name> = [.int, .float]
        if numeric.contains(lType), numeric.contains(rType),
           let a = Double.construct(from: l) ?? Int64.construct(from: l).map(Double.init),
           let b = Double.construct(from: r) ?? Int64.construct(from: r).map(Double.init) {
            return a == b
        }
        return lType == rType && l.string == r.string
    }
}
