import CellSpace
import Foundation
import Redundancy
import RunModel

/// A candidate's details page (`pages/NNNN-IIIII.html`, named like its candidate folder): its
/// facts, its lineage (parent chain to the random sample it descends from, the edge each mutation
/// changed, its children), its learning curve and per-epoch table, its cell diagram (only the
/// operations it uses) and its CKA heatmap with MSRS's threshold τ marked.
struct CandidatePage {
    /// Lookups over the run shared by every page of one report.
    struct Context {
        let positionOf: [Int: Int]
        let children: [Int: [Int]]
        let rankOf: [Int: Int]

        init(analysis: RunAnalysis) {
            let records = analysis.records
            positionOf = Dictionary(records.enumerated().map { ($1.number, $0) }, uniquingKeysWith: { a, _ in a })
            var children: [Int: [Int]] = [:]
            for r in records { if let p = r.parent { children[p, default: []].append(r.candidateNumber) } }
            self.children = children
            rankOf = Dictionary(analysis.top(records.count).enumerated().map { (records[$1].candidateNumber, $0 + 1) },
                                uniquingKeysWith: { a, _ in a })
        }
    }

    let report: RunReport
    let context: Context
    let position: Int
    let history: [EpochMetrics]?
    /// The page of another candidate, relative to this page's folder, or nil when it has none.
    let link: (EvaluationRecord) -> String?

    var record: EvaluationRecord { report.analysis.records[position] }

    /// File name of a record's page (its candidate folder's name + `.html`).
    static func fileName(_ r: EvaluationRecord, in report: RunReport) -> String {
        report.snapshot.directory.candidate(number: r.candidateNumber, index: r.index).lastPathComponent + ".html"
    }

    func html() -> String {
        let e = SVGDocument.escape, r = record
        var body = "<p class=\"nav\"><a href=\"../index.html\">← run report</a></p>\n"
        body += "<h1>Candidate #\(r.candidateNumber) <span class=\"path\">index \(r.index)</span></h1>\n"
        body += "<div class=\"arch\">\(e(r.arch))</div>\n"
        body += "<h2>Facts</h2>\n" + RunReport.factsTable(facts())
        body += "<h2>Lineage</h2>\n" + lineage()
        body += "<h2>Learning curve</h2>\n" + learningCurve()
        body += "<h2>Cell</h2>\n"
        if let cell = try? r.cell() {
            body += RunReport.inline(CellDiagram(cell: cell, title: "Cell of #\(r.candidateNumber)").svg())
        } else {
            body += "<p class=\"note\">the architecture string could not be read</p>\n"
        }
        body += "<h2>Layer similarity (CKA)</h2>\n" + heatmap()
        return RunReport.page(body, title: "Candidate #\(r.candidateNumber) — RedNAS")
    }

    private func link(_ r: EvaluationRecord, text: String? = nil) -> String {
        let e = SVGDocument.escape, label = e(text ?? "#\(r.candidateNumber)")
        return link(r).map { "<a href=\"\(e($0))\">\(label)</a>" } ?? label
    }

    private func other(_ number: Int) -> EvaluationRecord? { context.positionOf[number].map { report.analysis.records[$0] } }

    private func facts() -> [(String, String)] {
        let r = record, m = r.metrics
        var rows: [(String, String)] = [
            ("evaluation", "#\(r.candidateNumber)" + (context.rankOf[r.candidateNumber].map { ", rank \($0) of \(report.analysis.records.count)" } ?? "")),
            (report.analysis.rankingColumn, report.analysis.rankingValue(at: position)),
            ("valid accuracy", RunReport.percent(m.validAccuracy) + (m.validLoss.map { String(format: " (loss %.4f)", $0) } ?? "")),
            ("test accuracy", (m.testAccuracy.map(RunReport.percent) ?? "—") + (m.testLoss.map { String(format: " (loss %.4f)", $0) } ?? "")),
            ("train accuracy", (m.trainAccuracy.map(RunReport.percent) ?? "—") + (m.trainLoss.map { String(format: " (loss %.4f)", $0) } ?? "")),
            ("MSRS (raw)", m.msrs.map { String(format: "%.3f", $0) } ?? "undefined" + (m.msrsUndefined.map { ": \($0)" } ?? "")),
            ("MSRS (normalised)", m.msrsNormalized.map { String(format: "%.4f", $0) } ?? "undefined"),
            ("params", RunReport.grouped(m.params)),
            ("FLOPs", RunReport.grouped(m.flops)),
            ("epochs", "\(m.epochs)"),
            ("time", String(format: "%.1f s charged (training %.1f s, MSRS %.1f s)", r.seconds, m.trainSeconds, m.msrsSeconds)),
            ("finished", r.finishedAt),
            ("seed", "\(r.seed)"),
            ("canonical", r.canonical),
            ("folder", report.snapshot.candidateFolder(r).path),
        ]
        if let d = m.diverged { rows.insert(("diverged", d), at: 1) }
        if let from = r.reusedFrom { rows.insert(("reused", "result reused from #\(from) (same canonical cell)"), at: 1) }
        return rows
    }

    /// Root first: each ancestor with its accuracy and the edge its child changed.
    private func lineage() -> String {
        let e = SVGDocument.escape
        var chain: [EvaluationRecord] = [record]
        var seen: Set<Int> = [record.candidateNumber]
        while let p = chain.last?.parent, let parent = other(p), seen.insert(p).inserted { chain.append(parent) }
        chain.reverse()
        var out = "<ol class=\"lineage\">\n"
        for (k, r) in chain.enumerated() {
            var item = link(r) + String(format: " — valid %.2f%%", r.metrics.validAccuracy)
                + (r.metrics.msrsNormalized.map { String(format: ", MSRS %.4f", $0) } ?? "")
            if k == 0 { item += r.parent == nil ? " (random sample)" : " (its parent #\(r.parent!) is not in the journal)" }
            if k > 0 { item += " <span class=\"note\">— \(e(Self.mutation(from: chain[k - 1], to: r)))</span>" }
            if r.candidateNumber == record.candidateNumber { item = "<b>\(item)</b>" }
            out += "<li>\(item)</li>\n"
        }
        out += "</ol>\n"
        let kids = (context.children[record.candidateNumber] ?? []).compactMap(other)
        if kids.isEmpty {
            out += "<p>No children in the journal.</p>\n"
        } else {
            out += "<p>Children (\(kids.count)): " + kids.prefix(200).map { link($0) }.joined(separator: ", ")
                + (kids.count > 200 ? " …" : "") + "</p>\n"
        }
        return out
    }

    /// "edge 2←1: skip_connect → nor_conv_3x3" (each changed edge).
    static func mutation(from parent: EvaluationRecord, to child: EvaluationRecord) -> String {
        guard let a = try? parent.cell(), let b = try? child.cell() else { return "mutation unknown" }
        let changes = Cell.edges.indices.filter { a[edge: $0] != b[edge: $0] }.map {
            "edge \(Cell.edges[$0]): \(a[edge: $0].rawValue) → \(b[edge: $0].rawValue)"
        }
        return changes.isEmpty ? "same cell" : changes.joined(separator: "; ")
    }

    private func learningCurve() -> String {
        guard let history, !history.isEmpty else {
            return "<p class=\"note\">no per-epoch history (no metrics.json in the candidate folder)</p>\n"
        }
        let plot = LearningCurvesPlot(curves: [.init(number: record.candidateNumber, epochs: history)],
                                      title: "Learning curve of #\(record.candidateNumber)", single: true)
        var out = "<figure>" + RunReport.inline(plot.svg()) + "</figure>\n"
        out += "<table class=\"epochs\">\n<tr><th>epoch</th><th>lr</th><th>train loss</th><th>train %</th>"
            + "<th>valid loss</th><th>valid %</th><th>seconds</th></tr>\n"
        for m in history {
            let cells = ["\(m.epoch)", String(format: "%.4f", m.learningRate), String(format: "%.4f", m.trainLoss),
                         String(format: "%.2f", m.trainAccuracy), m.validLoss.map { String(format: "%.4f", $0) } ?? "—",
                         m.validAccuracy.map { String(format: "%.2f", $0) } ?? "—", String(format: "%.1f", m.seconds)]
            out += "<tr>" + cells.map { "<td class=\"num\">\($0)</td>" }.joined() + "</tr>\n"
        }
        return out + "</table>\n"
    }

    private func heatmap() -> String {
        let e = SVGDocument.escape
        do {
            guard let result = try report.snapshot.msrsResult(of: record) else {
                return "<p class=\"note\">no msrs.json in the candidate's folder, so no CKA matrix to show</p>\n"
            }
            var map = try CKAHeatmap(result: result, labels: report.tapLabels(layers: result.layers),
                                     title: "CKA between representations — #\(record.candidateNumber)")
            map.threshold = result.parameters.threshold
            map.showsTooltips = !map.showsValues
            return "<figure>" + RunReport.inline(map.svg()) + "<figcaption>MSRS counts the pairs above τ softly "
                + "(β = \(SVGDocument.number(result.parameters.beta))); outlined cells are at or above τ.</figcaption></figure>\n"
        } catch {
            return "<p class=\"note\">CKA heatmap unavailable: \(e("\(error)"))</p>\n"
        }
    }
}
