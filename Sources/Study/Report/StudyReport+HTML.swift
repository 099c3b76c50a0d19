import Foundation
import Reports

extension StudyReport {
    /// A self-contained page: the tables and the figures inline.
    func html(figures: [Figure]) -> String {
        func table(_ header: [String], _ rows: [[String]]) -> String {
            "<table><tr>" + header.map { "<th>\(SVGDocument.escape($0))</th>" }.joined() + "</tr>"
                + rows.map { "<tr>" + $0.map { "<td>\(SVGDocument.escape($0))</td>" }.joined() + "</tr>" }.joined() + "</table>"
        }
        let level = Int((results.confidence * 100).rounded())
        var body = "<h1>Study \(SVGDocument.escape(URL(fileURLWithPath: results.directory).lastPathComponent))</h1>"
        body += "<p>Generated \(results.generated). Answers re-trained under the final protocol, scored on the test split; "
            + "means with \(level)% bootstrap intervals. Every number is in <code>study.json</code>.</p>"
        body += table(["arm", "scored", "test acc. (%)", "MSRS", "params", "FLOPs", "Pareto-optimal"], summaryRows())
        body += "<h2>Against the reference arm (\(SVGDocument.escape(results.reference)))</h2>"
        body += table(["arm", "Δ test acc. (points)", "Δ MSRS", "Δ params"], comparisonRows())
        for figure in figures {
            let svg = figure.svg.split(separator: "\n").filter { !$0.hasPrefix("<?xml") }.joined(separator: "\n")
            body += "<figure>\(svg)<figcaption>\(SVGDocument.escape(figure.caption))</figcaption></figure>"
        }
        let runs = runRows()
        body += "<h2>Runs</h2>" + table(runs.header, runs.rows)
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>RedNAS study</title>
            <style>body{font-family:Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}
            table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}
            th{background:#f3f3f3}figure{margin:1.5em 0}figcaption{color:#555}</style></head>
            <body>\(body)</body></html>

            """
    }
}
