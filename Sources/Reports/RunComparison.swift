import Foundation
import RunModel

/// Several runs on one page (`rednas report RUN1 RUN2 … --output DIR`): a table of the runs (their
/// answers, budgets, fitness), best-so-far valid accuracy of each against evaluations and against
/// wall time, and every candidate of every run in one accuracy-vs-MSRS scatter, a colour per run.
/// Each run's own report is written to `DIR/<k>-<name>/`, linked from the table.
package struct RunComparison {
    package let reports: [RunReport]
    /// Sub-folder names of the runs' own reports ("1-fmnist-rea", …), in order.
    package let folders: [String]

    package init(reports: [RunReport]) {
        self.reports = reports
        folders = reports.enumerated().map { k, r in "\(k + 1)-" + Self.safe(r.snapshot.directory.url.lastPathComponent) }
    }

    static func safe(_ name: String) -> String {
        let mapped = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "-" })
        return mapped.isEmpty || mapped.hasPrefix(".") ? "run" : mapped
    }

    static let colors = [ReportPalette.blue, ReportPalette.orange, ReportPalette.green, ReportPalette.red,
                         ReportPalette.purple, ReportPalette.sky, ReportPalette.yellow, "#444444"]

    private func color(_ k: Int) -> String { Self.colors[k % Self.colors.count] }

    private var names: [String] { reports.map { $0.snapshot.directory.url.lastPathComponent } }

    /// Best-so-far valid accuracy of each run against evaluations or wall time.
    func progressSVG(wallTime: Bool) -> String {
        let curves = reports.map { $0.analysis.bestAccuracySoFar }
        let x = { (p: RunAnalysis.ProgressPoint) in wallTime ? p.seconds / 60 : Double(p.number + 1) }
        let xs = curves.flatMap { $0.map(x) }, ys = curves.flatMap { $0.map(\.value) }
        let frame = PlotFrame(x: NiceTicks(low: wallTime ? 0 : 1, high: max(xs.max() ?? 1, wallTime ? 1e-3 : 2)),
                              y: NiceTicks(low: ys.min() ?? 0, high: ys.max() ?? 100))
        var doc = frame.document()
        frame.drawAxes(into: &doc, title: "Best valid accuracy so far, by run",
                       subtitle: wallTime ? "against cumulative evaluation time" : "against evaluations",
                       xLabel: wallTime ? "wall time (min)" : "evaluations", yLabel: "valid accuracy (%)")
        var legend: [(PlotFrame.Symbol, String)] = []
        for (k, points) in curves.enumerated() where !points.isEmpty {
            var pixels: [(x: Double, y: Double)] = []
            for p in points {
                let px = frame.px(x(p)), py = frame.py(p.value)
                if let last = pixels.last {
                    if last.y == py { continue }
                    pixels.append((px, last.y))
                }
                pixels.append((px, py))
            }
            if let last = pixels.last, let end = points.last { pixels.append((max(last.x, frame.px(x(end))), last.y)) }
            doc.polyline(pixels, stroke: color(k), width: 2.2)
            legend.append((.line(color: color(k), dashed: false), names[k]))
        }
        frame.drawLegend(into: &doc, legend)
        return doc.render()
    }

    /// Every usable candidate with a defined MSRS of every run, coloured by run.
    func scatterSVG() -> String {
        let usable = reports.map { $0.analysis.records.filter { $0.result.isUsable && $0.result.normalizedMSRS != nil } }
        let msrs = usable.flatMap { $0.map { $0.result.normalizedMSRS! } }, acc = usable.flatMap { $0.map(\.result.validAccuracy) }
        let frame = PlotFrame(x: NiceTicks(low: min(0, msrs.min() ?? 0), high: max(msrs.max() ?? 1, 0.1)),
                              y: NiceTicks(low: acc.min() ?? 0, high: acc.max() ?? 100))
        var doc = frame.document()
        frame.drawAxes(into: &doc, title: "Accuracy vs redundancy, all runs", subtitle: "a dot per candidate, a colour per run",
                       xLabel: "normalised MSRS", yLabel: "valid accuracy (%)")
        var legend: [(PlotFrame.Symbol, String)] = []
        for (k, records) in usable.enumerated() {
            DotLayer.draw(records.map { DotLayer.Point(x: frame.px($0.result.normalizedMSRS!), y: frame.py($0.result.validAccuracy),
                                                       tooltip: names[k] + " " + ParetoScatterPlot.tooltip($0)) },
                          color: color(k), cssClass: "candidate run-\(k + 1)", into: &doc)
            legend.append((.marker(color: color(k), opacity: 0.75), "\(names[k]) (\(records.count))"))
        }
        frame.drawLegend(into: &doc, legend)
        return doc.render()
    }

    /// The comparison page (links to the runs' reports in `folders`).
    package func html() -> String {
        let e = SVGDocument.escape
        var body = "<h1>RedNAS: \(reports.count) runs compared</h1>\n"
        body += "<table class=\"runs\">\n<tr><th>run</th><th>status</th><th>algorithm</th><th>fitness</th>"
            + "<th>best valid %</th><th>its MSRS</th><th>its params</th><th>answer</th><th>report</th></tr>\n"
        for (k, report) in reports.enumerated() {
            let c = report.snapshot.config
            let best = report.best
            let swatch = "<span style=\"color:\(color(k))\">■</span> " + e(names[k])
            let path = "<div class=\"path\">" + e(report.snapshot.directory.url.path) + "</div>"
            var algorithm = "—"
            if let c { algorithm = c.search.algorithm == .rea ? "REA P=\(c.search.population) S=\(c.search.sampleSize)" : "random" }
            var answer = ["—", "—", "—", "—"]
            if let best {
                let m = best.metrics
                answer = [String(format: "%.2f", m.validAccuracy), m.msrsNormalized.map { String(format: "%.4f", $0) } ?? "—",
                          RunReport.grouped(m.params), "#\(best.number) <span class=\"arch\">" + e(best.arch) + "</span>"]
            }
            let link = "<a href=\"" + e(folders[k]) + "/index.html\">report</a>"
            let cells: [String] = [swatch + path, e(report.statusText), e(algorithm), e(RunReport.describe(report.snapshot.fitness))]
                + answer + [link]
            body += "<tr>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
        }
        body += "</table>\n"
        for problem in reports.enumerated().flatMap({ k, r in r.snapshot.problems.map { "\(names[k]): \($0)" } }) {
            body += "<p class=\"note\">\(e(problem))</p>\n"
        }
        body += "<h2>Progress</h2>\n"
        body += "<figure>" + RunReport.inline(progressSVG(wallTime: false)) + "</figure>\n"
        body += "<figure>" + RunReport.inline(progressSVG(wallTime: true)) + "</figure>\n"
        body += "<h2>Accuracy against redundancy</h2>\n<figure>" + RunReport.inline(scatterSVG()) + "</figure>\n"
        return RunReport.page(body, title: "RedNAS: runs compared")
    }

    /// Writes `index.html` and each run's report (with `details` pages) into `folder`.
    @discardableResult
    package func write(to folder: URL, details: RunReport.DetailPages) throws -> [URL] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var written: [URL] = []
        for (report, name) in zip(reports, folders) {
            written += try report.write(to: folder.appendingPathComponent(name), details: details)
        }
        let index = folder.appendingPathComponent("index.html")
        try Data(html().utf8).write(to: index, options: .atomic)
        return written + [index]
    }
}
