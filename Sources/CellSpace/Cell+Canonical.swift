// Isomorphism classes and validity (NATS-Bench spec §2; xautodl `to_unique_str(consider_zero=True)`).

extension Cell {
    /// A string equal for isomorphic cells, computed exactly as the benchmark does:
    /// node 0 = "0"; an edge term is "#" if its op is `none` or its source string is exactly "#",
    /// the source string itself for `skip_connect`, else "(src)@op"; a node's string is its terms
    /// sorted (by code point) and joined with "+". The result is node 3's string.
    /// The 15,625 cells fall into 6,466 classes.
    public var canonicalString: String {
        var nodes = ["0"]
        for target in 1..<Cell.nodeCount {
            let terms = Cell.incomingEdgeIndices(of: target).map { e -> String in
                let source = nodes[Cell.edges[e].source]
                switch operations[e] {
                case .none: return "#"
                case _ where source == "#": return "#"
                case .skipConnect: return source
                default: return "(\(source))@\(operations[e].rawValue)"
                }
            }
            // Python sorts str by code point; compare UTF-8 bytes to match it exactly.
            let sorted = terms.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            nodes.append(sorted.joined(separator: "+"))
        }
        return nodes[Cell.nodeCount - 1]
    }

    /// True if some path from node 0 to node 3 uses only non-`none` edges, i.e. the cell's output
    /// depends on its input. 15,284 of the 15,625 cells are valid.
    public var isValid: Bool {
        var reachable = [true] + Array(repeating: false, count: Cell.nodeCount - 1)
        for (e, edge) in Cell.edges.enumerated() where operations[e] != .none && reachable[edge.source] {
            // Edges are ordered by target, so every source is final before it is read.
            reachable[edge.target] = true
        }
        return reachable[Cell.nodeCount - 1]
    }
}
