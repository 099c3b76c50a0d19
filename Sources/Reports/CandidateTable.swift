import Foundation
import RunModel

/// The table of every candidate on `index.html`: its rows as JSON in the page (one
/// `<script type="application/json" id="candidate-data">`), the first `pageSize` rows by rank as
/// static HTML (what shows without scripts), and a small inline script that sorts (click a
/// heading: `th[data-sort]`), filters (text, minimum valid accuracy, usable only) and pages
/// through them — the DOM never holds more than `pageSize` rows. Each row links to its
/// candidate's details page when one exists (or when `linkAll`, for `rednas serve`, which makes
/// any page on request).
struct CandidateTable {
    static let pageSize = 50

    struct Column {
        var key: String
        var heading: String
        var numeric: Bool
    }

    struct Row {
        var rank: Int
        var record: EvaluationRecord
        var ranking: String
        var note: String
        var page: String?
    }

    let rows: [Row]
    let rankingHeading: String

    /// `pages(number)`: the details page of a candidate (relative to `index.html`), or nil.
    init(analysis: RunAnalysis, page: (EvaluationRecord) -> String?) {
        let order = analysis.top(analysis.records.count)
        var rows: [Row] = []
        rows.reserveCapacity(order.count)
        for (rank, i) in order.enumerated() {
            let r = analysis.records[i]
            rows.append(Row(rank: rank + 1, record: r, ranking: analysis.rankingValue(at: i),
                            note: RunReport.note(r, isAnswer: i == analysis.answer), page: page(r)))
        }
        self.rows = rows
        rankingHeading = analysis.rankingColumn
    }

    var columns: [Column] {
        [Column(key: "rank", heading: "rank", numeric: true), Column(key: "number", heading: "#", numeric: true),
         Column(key: "index", heading: "index", numeric: true), Column(key: "arch", heading: "architecture", numeric: false),
         Column(key: "valid", heading: "valid %", numeric: true), Column(key: "test", heading: "test %", numeric: true),
         Column(key: "msrs", heading: "MSRS norm.", numeric: true), Column(key: "ranking", heading: rankingHeading, numeric: false),
         Column(key: "params", heading: "params", numeric: true), Column(key: "flops", heading: "FLOPs", numeric: true),
         Column(key: "seconds", heading: "seconds", numeric: true), Column(key: "parent", heading: "parent", numeric: true),
         Column(key: "note", heading: "note", numeric: false)]
    }

    /// The rows as a JSON array of arrays in `columns` order, then the page link (or null).
    func json() -> String {
        func string(_ s: String) -> String {
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "<": out += "\\u003c"   // never closes the script element
                case "&": out += "\\u0026"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        func number(_ v: Double?, _ decimals: Int) -> String {
            guard let v, v.isFinite else { return "null" }
            return String(format: "%.\(decimals)f", v)
        }
        var out = "["
        out.reserveCapacity(rows.count * 200)
        for (k, row) in rows.enumerated() {
            let r = row.record, m = r.metrics
            if k > 0 { out += ",\n" }
            out += "[\(row.rank),\(r.candidateNumber),\(r.index),\(string(r.arch)),\(number(m.validAccuracy, 3)),"
                + "\(number(m.testAccuracy, 3)),\(number(m.msrsNormalized, 5)),\(string(row.ranking)),\(m.params),\(m.flops),"
                + "\(number(r.seconds, 1)),\(r.parent.map(String.init) ?? "null"),\(string(row.note)),"
                + "\(row.page.map(string) ?? "null")]"
        }
        return out + "]"
    }

    /// One static row (the same cells the script renders).
    func rowHTML(_ row: Row) -> String {
        let e = SVGDocument.escape, r = row.record, m = r.metrics
        let link = { (text: String) in row.page.map { "<a href=\"\(e($0))\">\(e(text))</a>" } ?? e(text) }
        let cells = [
            ("num", "\(row.rank)"), ("num", link("#\(r.candidateNumber)")), ("num", "\(r.index)"), ("arch", e(r.arch)),
            ("num", String(format: "%.2f", m.validAccuracy)), ("num", m.testAccuracy.map { String(format: "%.2f", $0) } ?? "—"),
            ("num", m.msrsNormalized.map { String(format: "%.4f", $0) } ?? "—"), ("", e(row.ranking)),
            ("num", RunReport.grouped(m.params)), ("num", RunReport.grouped(m.flops)),
            ("num", String(format: "%.1f", r.seconds)), ("num", r.parent.map { "#\($0)" } ?? "—"), ("", e(row.note)),
        ]
        let cls = row.note.hasPrefix("answer") ? " class=\"answer\"" : ""
        return "<tr\(cls)>" + cells.map { c, v in (c.isEmpty ? "<td>" : "<td class=\"\(c)\">") + v + "</td>" }.joined() + "</tr>\n"
    }

    /// The section: filter controls, the table with its first page, the data and the script.
    func html() -> String {
        let e = SVGDocument.escape
        var out = "<div class=\"controls\"><label>filter <input id=\"cand-filter\" type=\"search\" "
            + "placeholder=\"#12, index, op name (nor_conv_3x3), note…\" size=\"40\"/></label> "
            + "<label>valid % ≥ <input id=\"cand-min\" type=\"number\" step=\"0.5\" size=\"6\"/></label> "
            + "<label><input id=\"cand-usable\" type=\"checkbox\"/> usable only</label> "
            + "<span id=\"cand-count\">\(rows.count) candidates</span></div>\n"
        out += "<table class=\"candidates\" id=\"cand-table\" data-total=\"\(rows.count)\" data-page-size=\"\(Self.pageSize)\">\n<thead><tr>"
        out += columns.map { c in
            "<th data-sort=\"\(c.key)\" data-type=\"\(c.numeric ? "number" : "text")\" title=\"sort by \(e(c.heading))\">\(e(c.heading))</th>"
        }.joined()
        out += "</tr></thead>\n<tbody id=\"cand-body\">\n"
        out += rows.prefix(Self.pageSize).map(rowHTML).joined()
        out += "</tbody></table>\n"
        out += "<div class=\"pager\"><button id=\"cand-prev\" type=\"button\">◀ previous</button> "
            + "<span id=\"cand-page\">page 1 of \(max(1, (rows.count + Self.pageSize - 1) / Self.pageSize))</span> "
            + "<button id=\"cand-next\" type=\"button\">next ▶</button></div>\n"
        out += "<script type=\"application/json\" id=\"candidate-data\">\n" + json() + "\n</script>\n"
        out += "<script>\n//<![CDATA[\n" + Self.script + "\n//]]>\n</script>\n"
        return out
    }

    /// Sorting, filtering and paging over the JSON rows; renders one page of `<tr>` at a time.
    static let script = """
        (function () {
          var data = JSON.parse(document.getElementById('candidate-data').textContent);
          var keys = ['rank','number','index','arch','valid','test','msrs','ranking','params','flops','seconds','parent','note'];
          var body = document.getElementById('cand-body'), table = document.getElementById('cand-table');
          var size = +table.getAttribute('data-page-size');
          var state = {key: 'rank', dir: 1, page: 0, rows: data};
          function esc(s) { return String(s).replace(/[&<>"]/g, function (c) {
            return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]; }); }
          function fixed(v, d) { return v === null ? '—' : v.toFixed(d); }
          function grouped(v) { return String(v).replace(/\\B(?=(\\d{3})+(?!\\d))/g, ','); }
          function row(r) {
            var num = r[13] ? '<a href="' + esc(r[13]) + '">#' + r[1] + '</a>' : '#' + r[1];
            var cells = [[r[0], 1], [num, 1], [r[2], 1], [esc(r[3]), 2], [fixed(r[4], 2), 1], [fixed(r[5], 2), 1],
              [fixed(r[6], 4), 1], [esc(r[7]), 0], [grouped(r[8]), 1], [grouped(r[9]), 1], [fixed(r[10], 1), 1],
              [r[11] === null ? '—' : '#' + r[11], 1], [esc(r[12]), 0]];
            var cls = ['', ' class="num"', ' class="arch"'];
            return '<tr' + (r[12].indexOf('answer') === 0 ? ' class="answer"' : '') + '>' +
              cells.map(function (c) { return '<td' + cls[c[1]] + '>' + c[0] + '</td>'; }).join('') + '</tr>';
          }
          function apply() {
            var text = document.getElementById('cand-filter').value.trim().toLowerCase();
            var min = parseFloat(document.getElementById('cand-min').value);
            var usable = document.getElementById('cand-usable').checked;
            var terms = text ? text.split(/\\s+/) : [];
            var k = keys.indexOf(state.key);
            state.rows = data.filter(function (r) {
              if (usable && r[12].indexOf('diverged') >= 0) return false;
              if (!isNaN(min) && !(r[4] >= min)) return false;
              var hay = ('#' + r[1] + ' ' + r[2] + ' ' + r[3] + ' ' + r[12]).toLowerCase();
              return terms.every(function (t) { return hay.indexOf(t) >= 0; });
            }).sort(function (a, b) {
              var x = a[k], y = b[k];
              if (x === y) return a[0] - b[0];
              if (x === null) return 1;
              if (y === null) return -1;
              return (x < y ? -1 : 1) * state.dir;
            });
            state.page = Math.min(state.page, Math.max(0, Math.ceil(state.rows.length / size) - 1));
            render();
          }
          function render() {
            var pages = Math.max(1, Math.ceil(state.rows.length / size));
            body.innerHTML = state.rows.slice(state.page * size, (state.page + 1) * size).map(row).join('');
            document.getElementById('cand-page').textContent = 'page ' + (state.page + 1) + ' of ' + pages;
            document.getElementById('cand-count').textContent = state.rows.length + ' of ' + data.length + ' candidates';
            document.getElementById('cand-prev').disabled = state.page === 0;
            document.getElementById('cand-next').disabled = state.page >= pages - 1;
            Array.prototype.forEach.call(table.querySelectorAll('th'), function (th) {
              th.className = th.getAttribute('data-sort') === state.key ? (state.dir > 0 ? 'sorted-up' : 'sorted-down') : '';
            });
          }
          Array.prototype.forEach.call(table.querySelectorAll('th[data-sort]'), function (th) {
            th.addEventListener('click', function () {
              var key = th.getAttribute('data-sort');
              if (state.key === key) state.dir = -state.dir;
              else { state.key = key; state.dir = key === 'valid' || key === 'test' ? -1 : 1; }   // accuracies best first
              state.page = 0; apply();
            });
          });
          ['cand-filter', 'cand-min', 'cand-usable'].forEach(function (id) {
            document.getElementById(id).addEventListener('input', function () { state.page = 0; apply(); });
          });
          // A link may carry a view: index.html#q=skip_connect&min=80&sort=valid&dir=desc&usable=1
          location.hash.replace(/^#/, '').split('&').forEach(function (part) {
            var kv = part.split('='), v = decodeURIComponent(kv[1] || '');
            if (kv[0] === 'q') document.getElementById('cand-filter').value = v;
            if (kv[0] === 'min') document.getElementById('cand-min').value = v;
            if (kv[0] === 'usable') document.getElementById('cand-usable').checked = v === '1';
            if (kv[0] === 'sort' && keys.indexOf(v) >= 0) state.key = v;
            if (kv[0] === 'dir') state.dir = v === 'desc' ? -1 : 1;
          });
          document.getElementById('cand-prev').addEventListener('click', function () { state.page--; render(); });
          document.getElementById('cand-next').addEventListener('click', function () { state.page++; render(); });
          apply();
        })();
        """
}
