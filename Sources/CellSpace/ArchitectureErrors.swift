import Foundation

/// A malformed NATS architecture string: where (0-based character offset, node group, term) and why.
public struct ArchitectureStringError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// Why the string does not parse.
    public enum Reason: Equatable, Sendable {
        case empty
        case wrongGroupCount(found: Int)
        case emptyGroup
        case missingOpeningPipe(found: Character)
        case missingClosingPipe
        case emptyTerm
        case wrongTermCount(expected: Int, found: Int)
        case missingTilde(term: String)
        case extraTilde
        case unknownOperation(String)
        case sourceNotANumber(String)
        case wrongSource(expected: Int, found: Int)
    }

    /// The whole string that failed to parse.
    public let text: String
    /// 0-based character offset of the problem (may equal `text.count` for "missing at end").
    public let offset: Int
    /// The node (1, 2 or 3) whose group holds the problem, if known.
    public let node: Int?
    /// 0-based position of the term within its group, if known (term j is the edge `node ← j`).
    public let term: Int?
    /// Why the string does not parse.
    public let reason: Reason

    /// The problem, where it is, and the string with a caret under the offending character.
    public var description: String {
        var location = "at offset \(offset)"
        if let node = node {
            location += " (group for node \(node)"
            if let term = term {
                location += term < node ? ", term \(term + 1) = edge \(node)←\(term)" : ", term \(term + 1)"
            }
            location += ")"
        }
        let caret = String(repeating: " ", count: offset) + "^"
        return "invalid architecture string \(location): \(explanation)\n  \(text)\n  \(caret)"
    }

    /// The same as ``description``.
    public var errorDescription: String? { description }

    private var explanation: String {
        let expectedForm = "expected |op~0|+|op~0|op~1|+|op~0|op~1|op~2|"
        switch reason {
        case .empty:
            return "the string is empty; \(expectedForm)"
        case .wrongGroupCount(let found):
            return "expected 3 groups separated by '+' (one per node 1, 2, 3), found \(found)"
        case .emptyGroup:
            return "empty group (two '+' in a row, or a '+' at the start or end)"
        case .missingOpeningPipe(let found):
            return "a group must start with '|', found '\(found)'"
        case .missingClosingPipe:
            return "missing '|' at the end of the group"
        case .emptyTerm:
            return "empty term ('||'); each term is op~source"
        case .wrongTermCount(let expected, let found):
            let sources = (0..<expected).map(String.init).joined(separator: ", ")
            return "node \(expected) needs \(expected) term\(expected == 1 ? "" : "s") (sources \(sources)), found \(found)"
        case .missingTilde(let term):
            return "term \"\(term)\" has no '~' between the operation and its source index"
        case .extraTilde:
            return "a term has more than one '~'"
        case .unknownOperation(let name):
            let known = Operation.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown operation \"\(name)\"; expected one of \(known)"
        case .sourceNotANumber(let digits):
            return "source index \"\(digits)\" is not a non-negative integer"
        case .wrongSource(let expected, let found):
            return "wrong source index ~\(found): terms must list sources in order, expected ~\(expected)"
        }
    }
}

/// An architecture index outside the benchmark's range `0...15624`.
public struct ArchitectureIndexError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The index as given.
    public let text: String

    /// The index and the valid range.
    public var description: String {
        "architecture index \(text) is out of range: the NATS-Bench topology space has indices 0...\(Cell.spaceSize - 1)"
    }

    /// The same as ``description``.
    public var errorDescription: String? { description }
}
