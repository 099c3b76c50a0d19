import Foundation
import RunModel

/// `index.html`: one self-contained page (inline CSS, SVG and a small script for the candidate
/// table; no network), written as polyglot markup (also well-formed XML) so tests can parse it.
extension RunReport {
    static let css = """
        body{font-family:Helvetica,Arial,sans-serif;margin:24px auto;max-width:1060px;color:#222;line-height:1.4;padding:0 12px}
        h1{font-size:24px;margin-bottom:4px} h2{font-size:19px;margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}
        .path{color:#666;font-family:monospace;font-size:13px}
        nav.sections{font-size:13px;margin:8px 0} nav.sections a{margin-right:12px}
        table{border-collapse:collapse;font-size:13px;margin:8px 0}
        th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
        th{background:#f3f3f3} td.num{text-align:right;font-variant-numeric:tabular-nums}
        table.facts th{width:170px} code,.arch{font-family:monospace;font-size:12px;overflow-wrap:anywhere}
        table.candidates{width:100%} table.candidates td.arch{font-size:11px;max-width:300px}
        table.candidates th{cursor:pointer;user-select:none;white-space:nowrap}
        th.sorted-up:after{content:" ▲"} th.sorted-down:after{content:" ▼"}
        .controls{font-size:13px;margin:8px 0;display:flex;gap:14px;flex-wrap:wrap;align-items:center}
        .pager{font-size:13px} #cand-count{color:#555}
        tr.answer td{background:#fff8d6}
        .problems{background:#fff3f0;border:1px solid #f0b8a8;padding:8px 14px;border-radius:4px}
        .empty{background:#f3f7ff;border:1px solid #b8c8f0;padding:14px;border-radius:4px;font-size:15px}
        .live{display:inline-block;background:#e7f6ec;border:1px solid #9fd3ae;border-radius:10px;padding:1px 10px;font-size:12px}
        figure{margin:18px 0} figcaption{font-size:13px;color:#555;margin-top:2px}
        .note{color:#666;font-style:italic}
        svg{max-width:100%;height:auto}
        """

    /// The page without the candidate table (`html(figures:table:…)` with it).
    package func html(figures: [Figure]) -> String { html(figures: figures, table: nil) }

    /// The page. `figures` are embedded inline (their XML prolog dropped), grouped by section;
    /// `notes` join the snapshot's problems; `pageCount` says how many details pages were written.
    func html(figures: [Figure], table: CandidateTable?, notes: [String] = [], pageCount: Int = 0) -> String {
        let e = SVGDocument.escape
        var body = "<h1>RedNAS search report</h1>\n<div class=\"path\">\(e(snapshot.directory.url.path))</div>\n"
        if liveStamp != nil {
            body += "<p><span class=\"live\">live: this page reloads when the run records a new evaluation</span></p>\n"
        }
        let problems = snapshot.problems + notes
        if !problems.isEmpty {
            body += "<div class=\"problems\"><b>Read with problems:</b><ul>"
                + problems.map { "<li>\(e($0))</li>" }.joined() + "</ul></div>\n"
        }
        body += "<h2>Status</h2>\n<p>\(e(statusText))</p>\n" + runningSection()
        body += "<h2>Configuration</h2>\n"
        body += configRows.map(Self.factsTable) ?? "<p class=\"note\">config unavailable</p>\n"
        guard let bestRows else {
            body += "<div class=\"empty\">No evaluations yet: this run has not finished its first candidate. "
                + "Run <code>rednas report</code> again once it has.</div>\n"
            return page(body)
        }
        var sections: [String] = []
        for figure in figures where !sections.contains(figure.section) { sections.append(figure.section) }
        let anchors = ["Best architecture"] + (table == nil ? [] : ["Candidates"]) + sections
        body += "<nav class=\"sections\">" + anchors.map { "<a href=\"#\(Self.anchor($0))\">\(e($0))</a>" }.joined() + "</nav>\n"
        body += "<h2 id=\"\(Self.anchor("Best architecture"))\">Best architecture</h2>\n" + Self.factsTable(bestRows)
        body += "<h2>Top \(tableRows.count) by fitness\(e(analysis.fidelityLabel))</h2>\n" + htmlTable()
        for (k, section) in sections.enumerated() {
            if k == 1, let table { body += candidatesSection(table, pageCount: pageCount) }
            body += "<h2 id=\"\(Self.anchor(section))\">\(e(section))</h2>\n"
            for figure in figures where figure.section == section {
                body += "<figure id=\"\(e(figure.file))\">\n"
                if let svg = figure.svg {
                    body += Self.inline(svg)
                } else {
                    body += "<p class=\"note\">\(e(figure.caption)): \(e(figure.note ?? "unavailable"))</p>\n"
                }
                body += "<figcaption>\(e(figure.caption))</figcaption></figure>\n"
            }
        }
        if sections.count < 2, let table { body += candidatesSection(table, pageCount: pageCount) }
        return page(body)
    }

    /// The candidate in training (while a process holds the run): its epochs so far from `epochs.jsonl`.
    func runningSection() -> String {
        guard let running = snapshot.running else { return "" }
        let e = SVGDocument.escape
        var out = "<p>Training #\(running.number) (index \(running.index)) <span class=\"arch\">\(e(running.arch))</span>"
        if let p = running.progress { out += ", epoch \(min(p.epoch + 1, p.epochs)) of \(p.epochs)" }
        out += "</p>\n"
        let epochs = CandidateFile.readEpochLog(from: snapshot.directory.trainingFolder(number: running.number, index: running.index))
        guard !epochs.isEmpty else { return out }
        let plot = LearningCurvesPlot(curves: [.init(number: running.number, epochs: epochs)],
                                      title: "Learning curve so far of #\(running.number) (training)", single: true)
        return out + "<figure id=\"running-curve\">" + Self.inline(plot.svg()) + "</figure>\n"
    }

    private func candidatesSection(_ table: CandidateTable, pageCount: Int) -> String {
        var out = "<h2 id=\"\(Self.anchor("Candidates"))\">All \(table.rows.count) candidates</h2>\n"
        let linked = table.rows.filter { $0.page != nil }.count
        if linked < table.rows.count {
            out += "<p class=\"note\">Details pages for the top \(pageCount) by rank; <code>rednas report --details all</code> "
                + "writes every one, <code>rednas serve</code> makes any on request.</p>\n"
        }
        return out + table.html()
    }

    static func anchor(_ title: String) -> String {
        String(title.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }

    /// The page around `body`; with `liveStamp` set, a script that polls `stamp` and reloads on change.
    func page(_ body: String) -> String {
        var head = ""
        var tail = ""
        if let liveStamp {
            head = "<meta name=\"rednas-stamp\" content=\"\(SVGDocument.escape(liveStamp))\"/>\n"
            tail = "<script>\n//<![CDATA[\n" + Self.liveScript + "\n//]]>\n</script>\n"
        }
        return Self.page(body + tail, title: "RedNAS search report", head: head)
    }

    /// Polls the server's `stamp` every 3 s; reloads when the run changed (keeps scroll position).
    static let liveScript = """
        (function () {
          var mine = document.querySelector('meta[name="rednas-stamp"]').getAttribute('content');
          setInterval(function () {
            fetch('stamp', {cache: 'no-store'}).then(function (r) { return r.text(); }).then(function (t) {
              if (t.trim() && t.trim() !== mine) {
                sessionStorage.setItem('rednas-scroll', String(window.scrollY));
                location.reload();
              }
            }).catch(function () {});
          }, 3000);
          var y = sessionStorage.getItem('rednas-scroll');
          if (y !== null) { sessionStorage.removeItem('rednas-scroll'); window.scrollTo(0, +y); }
        })();
        """

    static func page(_ body: String, title: String, head: String = "") -> String {
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>\(SVGDocument.escape(title))</title>\n"
            + head + "<style>\n\(css)\n</style>\n</head>\n<body>\n\(body)</body>\n</html>\n"
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
