import Foundation

/// `index.html`: one self-contained page (inline CSS and SVG, no scripts, no network), written as
/// polyglot markup (also well-formed XML) so tests can parse it.
extension RunReport {
    static let css = """
        body{font-family:Helvetica,Arial,sans-serif;margin:24px auto;max-width:1060px;color:#222;line-height:1.4}
        h1{font-size:24px;margin-bottom:4px} h2{font-size:19px;margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}
        .path{color:#666;font-family:monospace;font-size:13px}
        table{border-collapse:collapse;font-size:13px;margin:8px 0}
        th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
        th{background:#f3f3f3} td.num{text-align:right;font-variant-numeric:tabular-nums}
        table.facts th{width:170px} code,.arch{font-family:monospace;font-size:12px;overflow-wrap:anywhere}
        tr.answer td{background:#fff8d6}
        .problems{background:#fff3f0;border:1px solid #f0b8a8;padding:8px 14px;border-radius:4px}
        .empty{background:#f3f7ff;border:1px solid #b8c8f0;padding:14px;border-radius:4px;font-size:15px}
        figure{margin:18px 0} figcaption{font-size:13px;color:#555;margin-top:2px}
        .note{color:#666;font-style:italic}
        svg{max-width:100%;height:auto}
        """

    /// The page. `figures` are embedded inline (their XML prolog dropped).
    package func html(figures: [Figure]) -> String {
        let e = SVGDocument.escape
        var body = "<h1>RedNAS search report</h1>\n<div class=\"path\">\(e(snapshot.directory.url.path))</div>\n"
        if !snapshot.problems.isEmpty {
            body += "<div class=\"problems\"><b>Read with problems:</b><ul>"
                + snapshot.problems.map { "<li>\(e($0))</li>" }.joined() + "</ul></div>\n"
        }
        body += "<h2>Status</h2>\n<p>\(e(statusText))</p>\n"
        body += "<h2>Configuration</h2>\n"
        body += configRows.map(Self.factsTable) ?? "<p class=\"note\">config unavailable</p>\n"
        guard let bestRows else {
            body += "<div class=\"empty\">No evaluations yet: this run has not finished its first candidate. "
                + "Run <code>rednas report</code> again once it has.</div>\n"
            return Self.page(body)
        }
        body += "<h2>Best architecture</h2>\n" + Self.factsTable(bestRows)
        body += "<h2>Top \(tableRows.count) by fitness</h2>\n" + htmlTable()
        body += "<h2>Plots</h2>\n"
        for figure in figures {
            body += "<figure id=\"\(e(figure.file))\">\n"
            if let svg = figure.svg {
                body += Self.inline(svg)
            } else {
                body += "<p class=\"note\">\(e(figure.caption)): \(e(figure.note ?? "unavailable"))</p>\n"
            }
            body += "<figcaption>\(e(figure.caption))</figcaption></figure>\n"
        }
        return Self.page(body)
    }

    private static func page(_ body: String) -> String {
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>RedNAS search report</title>\n"
            + "<style>\n\(css)\n</style>\n</head>\n<body>\n\(body)</body>\n</html>\n"
    }

    /// An SVG document for inline use: without its `<?xml …?>` prolog.
    static func inline(_ svg: String) -> String {
        guard svg.hasPrefix("<?xml"), let end = svg.range(of: "?>\n") else { return svg }
        return String(svg[end.upperBound...])
    }

    static func factsTable(_ rows: [(String, String)]) -> String {
        let e = SVGDocument.escape
        return "<table class=\"facts\">\n" + rows.map { label, value in
            let cell = ["architecture", "canonical"].contains(label) ? "<span class=\"arch\">\(e(value))</span>" : e(value)
            return "<tr><th>\(e(label))</th><td>\(cell)</td></tr>\n"
        }.joined() + "</table>\n"
    }

    private func htmlTable() -> String {
        let e = SVGDocument.escape
        let numeric: Set<Int> = [0, 1, 2, 4, 5, 6, 7, 8]
        var out = "<table class=\"top\">\n<tr>" + tableColumns.map { "<th>\(e($0))</th>" }.joined() + "</tr>\n"
        for row in tableRows {
            let isAnswer = row.last?.hasPrefix("answer") == true
            out += (isAnswer ? "<tr class=\"answer\">" : "<tr>") + row.enumerated().map { k, value in
                let cls = numeric.contains(k) ? " class=\"num\"" : k == 3 ? " class=\"arch\"" : ""
                return "<td\(cls)>\(e(value))</td>"
            }.joined() + "</tr>\n"
        }
        return out + "</table>\n"
    }
}
