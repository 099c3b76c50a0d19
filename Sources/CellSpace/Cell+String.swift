// The benchmark's architecture string: `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`.

extension Cell: CustomStringConvertible {
    /// The NATS string, e.g. `|nor_conv_3x3~0|+|none~0|skip_connect~1|+|...|`.
    public var architectureString: String {
        (1..<Cell.nodeCount).map { node in
            let terms = Cell.incomingEdgeIndices(of: node).map { e in
                "\(operations[e].rawValue)~\(Cell.edges[e].source)"
            }
            return "|" + terms.joined(separator: "|") + "|"
        }.joined(separator: "+")
    }

    /// The NATS architecture string, e.g. `|nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|…|`.
    public var description: String { architectureString }

    /// Parses a NATS string strictly: exactly 3 `+`-separated groups (nodes 1, 2, 3), each
    /// `|op~j|...|` with one term per source j = 0, 1, ... in order, no spaces.
    /// Throws `ArchitectureStringError` saying where (character offset, node, term) and why.
    public init(architectureString text: String) throws {
        self = try ArchitectureStringParser(text).parse()
    }

    /// Parses what a user typed to name an architecture: a benchmark index (decimal digits only,
    /// `0...15624`) or a NATS string. Throws `ArchitectureIndexError` or `ArchitectureStringError`.
    public init(specifier: String) throws {
        // A signed number (`-1`, `+3`) is an index too: out of range rather than a malformed string.
        let digits = specifier.first == "-" || specifier.first == "+" ? specifier.dropFirst() : Substring(specifier)
        if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let index = Int(specifier) else { throw ArchitectureIndexError(text: specifier) }
            self = try Cell(index: index)
        } else {
            self = try Cell(architectureString: specifier)
        }
    }
}

/// A recursive-descent reader over the string's characters; offsets are 0-based character offsets.
struct ArchitectureStringParser {
    private let text: String
    private let chars: [Character]

    init(_ text: String) {
        self.text = text
        chars = Array(text)
    }

    func parse() throws -> Cell {
        guard !chars.isEmpty else { throw failure(at: 0, .empty) }
        let groups = split(0..<chars.count, at: "+")
        for (g, range) in groups.enumerated() where g < Cell.nodeCount - 1 && range.isEmpty {
            throw failure(at: range.lowerBound, node: g + 1, .emptyGroup)
        }
        guard groups.count == Cell.nodeCount - 1 else {
            let at = groups.count > Cell.nodeCount - 1 ? groups[Cell.nodeCount - 1].lowerBound - 1 : chars.count
            throw failure(at: at, .wrongGroupCount(found: groups.count))
        }
        var operations: [Operation] = []
        for (g, range) in groups.enumerated() {
            operations += try parseGroup(range, node: g + 1)
        }
        return Cell(operations: operations)
    }

    private func parseGroup(_ range: Range<Int>, node: Int) throws -> [Operation] {
        guard chars[range.lowerBound] == "|" else {
            throw failure(at: range.lowerBound, node: node, .missingOpeningPipe(found: chars[range.lowerBound]))
        }
        guard range.count >= 2, chars[range.upperBound - 1] == "|" else {
            throw failure(at: range.upperBound, node: node, .missingClosingPipe)
        }
        let terms = split((range.lowerBound + 1)..<(range.upperBound - 1), at: "|")
        for (t, term) in terms.enumerated() where term.isEmpty {
            throw failure(at: term.lowerBound, node: node, term: t, .emptyTerm)
        }
        guard terms.count == node else {
            let at = terms.count > node ? terms[node].lowerBound : range.upperBound - 1
            throw failure(at: at, node: node, term: min(terms.count, node), .wrongTermCount(expected: node, found: terms.count))
        }
        return try terms.enumerated().map { try parseTerm($1, node: node, source: $0) }
    }

    private func parseTerm(_ range: Range<Int>, node: Int, source: Int) throws -> Operation {
        let tildes = range.filter { chars[$0] == "~" }
        guard let tilde = tildes.first else {
            throw failure(at: range.upperBound, node: node, term: source,
                          .missingTilde(term: String(chars[range])))
        }
        guard tildes.count == 1 else { throw failure(at: tildes[1], node: node, term: source, .extraTilde) }
        let name = String(chars[range.lowerBound..<tilde])
        guard let operation = Operation(rawValue: name) else {
            throw failure(at: range.lowerBound, node: node, term: source, .unknownOperation(name))
        }
        let digits = String(chars[(tilde + 1)..<range.upperBound])
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let found = Int(digits) else {
            throw failure(at: tilde + 1, node: node, term: source, .sourceNotANumber(digits))
        }
        guard found == source else {
            throw failure(at: tilde + 1, node: node, term: source, .wrongSource(expected: source, found: found))
        }
        return operation
    }

    /// The ranges between separators (empty ranges kept, like Python's `str.split`).
    private func split(_ range: Range<Int>, at separator: Character) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var start = range.lowerBound
        for i in range where chars[i] == separator {
            pieces.append(start..<i)
            start = i + 1
        }
        pieces.append(start..<range.upperBound)
        return pieces
    }

    private func failure(at offset: Int, node: Int? = nil, term: Int? = nil,
                         _ reason: ArchitectureStringError.Reason) -> ArchitectureStringError {
        ArchitectureStringError(text: text, offset: offset, node: node, term: term, reason: reason)
    }
}
