import Foundation

/// `summary.md`: the same key facts and the table, for terminals and pull requests.
extension RunReport {
    package func markdown() -> String {
        var out = "# RedNAS search report\n\n`\(snapshot.directory.url.path)`\n\n"
        for problem in snapshot.problems { out += "> ⚠ \(problem)\n" }
        if !snapshot.problems.isEmpty { out += "\n" }
        out += "**Status:** \(statusText)\n\n## Configuration\n\n"
        if let rows = configRows { out += Self.markdownFacts(rows) } else { out += "config unavailable\n" }
        guard let bestRows else {
            return out + "\n**No evaluations yet** — run `rednas report` again once the first candidate has finished.\n"
        }
        out += "\n## Best architecture\n\n" + Self.markdownFacts(bestRows)
        out += "\n## Top \(tableRows.count) by fitness\(analysis.fidelityLabel)\n\n"
        out += "| " + tableColumns.joined(separator: " | ") + " |\n"
        out += "|" + tableColumns.indices.map { [0, 1, 2, 4, 5, 6, 7, 8].contains($0) ? "---:" : "---" }.joined(separator: "|") + "|\n"
        for row in tableRows {
            out += "| " + row.enumerated().map { k, v in k == 3 ? "`\(Self.cell(v))`" : Self.cell(v) }.joined(separator: " | ") + " |\n"
        }
        return out + "\nPlots: `index.html` (open in a browser) and the `*.svg` files beside it.\n"
    }

    private static func markdownFacts(_ rows: [(String, String)]) -> String {
        "| | |\n|---|---|\n" + rows.map { label, value in
            "| \(label) | " + (["architecture", "canonical"].contains(label) ? "`\(cell(value))`" : cell(value)) + " |\n"
        }.joined()
    }

    /// A table cell: pipes escaped so the row keeps its columns (GFM unescapes them, also in code spans).
    private static func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
}
