import Foundation
import RunModel

/// Valid accuracy against a candidate's cost (parameters or FLOPs, log scale): a dot per usable
/// candidate (class `candidate`, through `DotLayer`), the cost/accuracy front (the most accurate
/// candidate at each cost or less: class `cost-front`) and the search's answer as a star (`best`).
package struct CostScatterPlot {
    package enum Cost: String {
        case params, flops

        var label: String { self == .params ? "parameters" : "FLOPs" }
        var file: String { self == .params ? "accuracy-vs-params.svg" : "accuracy-vs-flops.svg" }

        func value(_ r: EvaluationRecord) -> Int { self == .params ? r.metrics.params : r.metrics.flops }
    }

    package let analysis: RunAnalysis
    package let cost: Cost

    package init(analysis: RunAnalysis, cost: Cost) {
        self.analysis = analysis
        self.cost = cost
    }

    package func svg() -> String {
        let records = analysis.records
        let usable = records.indices.filter { records[$0].result.isUsable && cost.value(records[$0]) > 0 }
        let logs = usable.map { log10(Double(cost.value(records[$0]))) }
        let accuracies = usable.map { records[$0].result.validAccuracy }
        var frame = PlotFrame(x: NiceTicks(low: logs.min() ?? 4, high: logs.max() ?? 6),
                              y: NiceTicks(low: accuracies.min() ?? 0, high: accuracies.max() ?? 100))
        frame.xTicks = Self.logTicks(lower: frame.x.lower, upper: frame.x.upper)
        var doc = frame.document()
        frame.drawAxes(into: &doc, title: "Accuracy vs \(cost.label)",
                       subtitle: "\(usable.count) usable candidates; \(cost.label) of each record's own architecture (log scale)",
                       xLabel: "\(cost.label) (log scale)", yLabel: "valid accuracy (%)",
                       xTickLabel: { Self.short(pow(10, $0)) })
        let points = zip(usable, logs).map { i, x in
            DotLayer.Point(x: frame.px(x), y: frame.py(records[i].result.validAccuracy),
                           tooltip: ParetoScatterPlot.tooltip(records[i]) + ", \(RunReport.grouped(cost.value(records[i]))) \(cost.label)")
        }
        DotLayer.draw(points, color: ReportPalette.blue, cssClass: "candidate", into: &doc)
        var legend: [(PlotFrame.Symbol, String)] = [(.marker(color: ReportPalette.blue, opacity: 0.75), "candidate")]
        let front = Self.front(usable.map { (Double(cost.value(records[$0])), records[$0].result.validAccuracy) })
        if !front.isEmpty {
            var pixels: [(x: Double, y: Double)] = []
            for (c, a) in front {
                let x = frame.px(log10(c)), y = frame.py(a)
                if let last = pixels.last { pixels.append((x, last.y)) }
                pixels.append((x, y))
            }
            pixels.append((frame.right, pixels.last!.y))
            let list = pixels.map { "\(SVGDocument.number($0.x)),\(SVGDocument.number($0.y))" }.joined(separator: " ")
            doc.element("polyline", attributes: [("points", list), ("fill", "none"), ("stroke", ReportPalette.orange),
                                                 ("stroke-width", "2"), ("class", "cost-front")])
            legend.append((.line(color: ReportPalette.orange, dashed: false), "best accuracy at ≤ this cost"))
        }
        if let a = analysis.answer, records[a].result.isUsable, cost.value(records[a]) > 0 {
            let x = frame.px(log10(Double(cost.value(records[a])))), y = frame.py(records[a].result.validAccuracy)
            doc.element("path", attributes: [("d", PlotFrame.starPath(x: x, y: y, radius: 9)), ("fill", ReportPalette.yellow),
                                             ("stroke", "#000000"), ("stroke-width", "1"), ("class", "best")],
                        tooltip: "answer: " + ParetoScatterPlot.tooltip(records[a]))
            legend.append((.star(color: ReportPalette.yellow), "answer"))
        }
        frame.drawLegend(into: &doc, legend, notes: usable.isEmpty ? ["no usable evaluation yet"] : [])
        return doc.render()
    }

    /// The points not beaten by a cheaper-or-equal one: sorted by cost, each strictly more accurate
    /// than every cheaper point. O(n log n).
    static func front(_ points: [(cost: Double, accuracy: Double)]) -> [(cost: Double, accuracy: Double)] {
        let sorted = points.sorted { $0.cost != $1.cost ? $0.cost < $1.cost : $0.accuracy > $1.accuracy }
        var out: [(cost: Double, accuracy: Double)] = []
        for p in sorted where p.accuracy > (out.last?.accuracy ?? -.infinity) { out.append(p) }
        return out
    }

    /// log10 positions of 1, 2, 5 × 10^k inside lower…upper (log10 units); only powers of ten
    /// when the range spans more than three decades.
    static func logTicks(lower: Double, upper: Double) -> [Double] {
        let steps: [Double] = upper - lower > 3 ? [1] : [1, 2, 5]
        var ticks: [Double] = []
        for decade in Int(lower.rounded(.down))...Int(upper.rounded(.up)) {
            for m in steps {
                let t = log10(m) + Double(decade)
                if t >= lower - 1e-9 && t <= upper + 1e-9 { ticks.append(t) }
            }
        }
        return ticks
    }

    /// 25000 → "25k", 1.2e6 → "1.2M".
    static func short(_ v: Double) -> String {
        let (scaled, suffix): (Double, String) = v >= 1e9 ? (v / 1e9, "G") : v >= 1e6 ? (v / 1e6, "M") : v >= 1e3 ? (v / 1e3, "k") : (v, "")
        let text = scaled >= 100 ? String(format: "%.0f", scaled) : scaled >= 10 ? String(format: "%.0f", scaled)
                                                                                 : String(format: "%.1f", scaled)
        return (text.hasSuffix(".0") ? String(text.dropLast(2)) : text) + suffix
    }
}
