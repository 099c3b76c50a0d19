import Foundation
import RunModel

/// When each evaluation ran: a bar per evaluation from (finished − charged seconds) to its finish
/// time, at its evaluation number, against wall-clock time since the first start — gaps show where
/// the run was stopped and resumed. Classes: `timeline-trained`, `timeline-diverged` (bars) and
/// `timeline-reused` (dots: a reused result takes no time). Bars in the same pixel row that touch
/// are merged, so the SVG is bounded by the plot's height, not by the number of evaluations.
/// Records whose `finishedAt` does not parse are placed back to back by their charged seconds.
package struct TimelinePlot {
    package let records: [EvaluationRecord]

    package init(records: [EvaluationRecord]) { self.records = records }

    /// (start, end) in seconds since the first start, and whether clock times were used.
    func spans() -> (spans: [(start: Double, end: Double)], clock: Bool) {
        let parser = ISO8601DateFormatter()
        let finishes = records.map { parser.date(from: $0.finishedAt) }
        if !records.isEmpty, finishes.allSatisfy({ $0 != nil }) {
            let starts = zip(records, finishes).map { $1!.timeIntervalSince1970 - $0.seconds }
            let origin = starts.min() ?? 0
            return (zip(starts, finishes).map { ($0 - origin, $1!.timeIntervalSince1970 - origin) }, true)
        }
        var t = 0.0
        return (records.map { r in defer { t += r.seconds }; return (t, t + r.seconds) }, false)
    }

    package func svg() -> String {
        let (spans, clock) = spans()
        let end = spans.map(\.end).max() ?? 60
        let unit: (seconds: Double, name: String) = end > 5 * 3600 ? (3600, "h") : (60, "min")
        let frame = PlotFrame(x: NiceTicks(low: 0, high: max(end / unit.seconds, 1e-3)),
                              y: NiceTicks(low: 0, high: Double(max(records.count, 1))))
        var doc = frame.document()
        frame.drawAxes(into: &doc, title: "Evaluation timeline",
                       subtitle: clock ? "each bar: finish time minus charged seconds → finish time (journal finishedAt)"
                                       : "finish times unreadable: evaluations placed back to back by charged seconds",
                       xLabel: "wall time since the first evaluation started (\(unit.name))", yLabel: "evaluation number")
        var bars: [String: [(row: Int, x1: Double, x2: Double)]] = [:]
        var dots: [DotLayer.Point] = []
        for (r, span) in zip(records, spans) {
            let y = frame.py(Double(r.number)), x1 = frame.px(span.start / unit.seconds), x2 = frame.px(span.end / unit.seconds)
            if r.reused || r.seconds == 0 {
                dots.append(DotLayer.Point(x: x2, y: y, tooltip: "#\(r.number): reused #\(r.reusedFrom.map(String.init) ?? "?")"))
                continue
            }
            let kind = r.result.isUsable ? "timeline-trained" : "timeline-diverged"
            let row = Int(y.rounded())
            if var list = bars[kind], let last = list.last, last.row == row, x1 <= last.x2 + 1 {
                list[list.count - 1].x2 = max(last.x2, x2)
                bars[kind] = list
            } else {
                bars[kind, default: []].append((row, x1, x2))
            }
        }
        // Reused results first, small, so the trained bars stay visible over them.
        DotLayer.draw(dots, color: ReportPalette.orange, cssClass: "timeline-reused", into: &doc,
                      radius: records.count > 2_000 ? 1.2 : 2.5, opacity: 0.7)
        var legend: [(PlotFrame.Symbol, String)] = []
        for (kind, color, label) in [("timeline-trained", ReportPalette.blue, "trained"),
                                     ("timeline-diverged", ReportPalette.red, "diverged")] {
            guard let list = bars[kind] else { continue }
            let d = list.map { "M\(SVGDocument.number($0.x1)) \($0.row)H\(SVGDocument.number(max($0.x2, $0.x1 + 1.5)))" }.joined()
            doc.element("path", attributes: [("d", d), ("stroke", color), ("stroke-width", records.count > 200 ? "2" : "3"),
                                             ("fill", "none"), ("class", kind)])
            legend.append((.line(color: color, dashed: false), label))
        }
        if !dots.isEmpty { legend.append((.marker(color: ReportPalette.orange, opacity: 0.8), "reused (no training)")) }
        frame.drawLegend(into: &doc, legend, notes: records.isEmpty ? ["no evaluations yet"] : [])
        return doc.render()
    }
}
