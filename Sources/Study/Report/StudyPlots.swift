import Foundation
import Reports
import Statistics

/// The study's figures as SVG, drawn with the run report's frame (`PlotFrame`): anytime curves
/// (mean line and min–max band per arm), the final answers' test accuracy against MSRS with the
/// Pareto-optimal ones ringed, and each arm's mean with its confidence interval.
package enum StudyPlots {
    static let colors = [ReportPalette.blue, ReportPalette.orange, ReportPalette.green, ReportPalette.red,
                         ReportPalette.purple, ReportPalette.sky, ReportPalette.gray, ReportPalette.yellow]

    static func color(_ k: Int) -> String { colors[k % colors.count] }

    /// Anytime curve of every arm: `band(arm)` picks which.
    package static func anytime(_ results: StudyResults, title: String, xLabel: String, yLabel: String,
                                xScale: Double = 1, band: (StudyResults.Anytime) -> Band) -> String {
        let bands = results.arms.map { band($0.anytime) }
        let ys = bands.flatMap { $0.lower.compactMap { $0 } + $0.upper.compactMap { $0 } }
        let xs = bands.flatMap(\.x).map { $0 / xScale }
        let frame = PlotFrame(x: NiceTicks(low: xs.min() ?? 0, high: xs.max() ?? 1), y: NiceTicks(low: ys.min() ?? 0, high: ys.max() ?? 1))
        var doc = frame.document()
        frame.drawAxes(into: &doc, title: title, subtitle: "mean over seeds (line) and min–max (band)", xLabel: xLabel, yLabel: yLabel)
        // Every band first, then every mean line, so no band hides a line.
        let curves = bands.map { b in
            b.x.indices.compactMap { i -> (Double, Double, Double, Double)? in
                guard let m = b.mean[i], let lo = b.lower[i], let hi = b.upper[i] else { return nil }
                return (frame.px(b.x[i] / xScale), frame.py(m), frame.py(lo), frame.py(hi))
            }
        }
        for (k, points) in curves.enumerated() where !points.isEmpty {
            let outline = points.map { "\(SVGDocument.number($0.0)),\(SVGDocument.number($0.3))" }
                + points.reversed().map { "\(SVGDocument.number($0.0)),\(SVGDocument.number($0.2))" }
            doc.element("polygon", attributes: [("points", outline.joined(separator: " ")), ("fill", color(k)),
                                                ("fill-opacity", "0.12"), ("stroke", "none")])
        }
        var legend: [(PlotFrame.Symbol, String)] = []
        for (k, points) in curves.enumerated() where !points.isEmpty {
            doc.polyline(points.map { (x: $0.0, y: $0.1) }, stroke: color(k), width: 2)
            legend.append((.line(color: color(k), dashed: false), results.arms[k].name))
        }
        frame.drawLegend(into: &doc, legend)
        return doc.render()
    }

    /// Final test accuracy against final MSRS, one point per run; Pareto-optimal answers ringed.
    package static func finalScatter(_ results: StudyResults) -> String {
        let points = results.arms.enumerated().flatMap { k, arm in
            arm.runs.compactMap { run -> (Int, Double, Double, StudyResults.Run)? in
                guard let a = run.final?["test_accuracy"], let m = run.final?["msrs"] else { return nil }
                return (k, m, a, run)
            }
        }
        let frame = PlotFrame(x: NiceTicks(low: points.map(\.1).min() ?? 0, high: points.map(\.1).max() ?? 1),
                              y: NiceTicks(low: points.map(\.2).min() ?? 0, high: points.map(\.2).max() ?? 100))
        var doc = frame.document()
        frame.drawAxes(into: &doc, title: "Final answers: test accuracy against MSRS",
                       subtitle: "each search's answer re-trained under the final protocol; ringed = Pareto-optimal among all",
                       xLabel: "normalised MSRS (test split, lower is less redundant)", yLabel: "test accuracy (%)")
        for (k, m, a, run) in points {
            let tip = String(format: "%@ seed %d: index %d, test %.2f%%, MSRS %.3f", results.arms[k].name, run.seed,
                             run.answerIndex ?? -1, a, m)
            doc.circle(cx: frame.px(m), cy: frame.py(a), radius: 4.5, fill: color(k), tooltip: tip)
            if run.paretoOptimal == true {
                doc.element("circle", attributes: [("cx", SVGDocument.number(frame.px(m))), ("cy", SVGDocument.number(frame.py(a))),
                                                   ("r", "8"), ("fill", "none"), ("stroke", "#000000"), ("stroke-width", "1.2")])
            }
        }
        var legend = results.arms.indices.map { k in (PlotFrame.Symbol.marker(color: color(k), opacity: 1), results.arms[k].name) }
        legend.append((.hollowMarker(color: "#000000"), "Pareto-optimal"))
        frame.drawLegend(into: &doc, legend)
        return doc.render()
    }

    /// Each arm's mean of `metric` with its bootstrap interval, and the runs' values as small dots.
    package static func intervals(_ results: StudyResults, metric: StudyResults.Metric) -> String {
        let key = metric.rawValue
        let values = results.arms.flatMap { arm in arm.runs.compactMap { $0.final?[key] } }
            + results.arms.compactMap { $0.summary[key] }.flatMap { [$0.lower, $0.upper] }
        let count = Double(results.arms.count)
        let frame = PlotFrame(x: NiceTicks(low: 0.5, high: count + 0.5, target: max(1, results.arms.count)),
                              y: NiceTicks(low: values.min() ?? 0, high: values.max() ?? 1))
        var doc = frame.document()
        let level = Int((results.confidence * 100).rounded())
        frame.drawAxes(into: &doc, title: "\(metric.title) by arm", subtitle: "mean and \(level)% bootstrap interval; dots = runs",
                       xLabel: "arm", yLabel: metric.title, xTickLabel: { v in
                           let k = Int(v.rounded()) - 1
                           return abs(v - v.rounded()) < 1e-9 && results.arms.indices.contains(k) ? results.arms[k].name : ""
                       })
        for (k, arm) in results.arms.enumerated() {
            let x = frame.px(Double(k + 1))
            for (j, v) in arm.runs.compactMap({ $0.final?[key] }).enumerated() {
                doc.circle(cx: x - 14 + Double(j % 5) * 3, cy: frame.py(v), radius: 2.5, fill: color(k))
            }
            guard let s = arm.summary[key] else { continue }
            doc.line(x1: x + 8, y1: frame.py(s.lower), x2: x + 8, y2: frame.py(s.upper), stroke: color(k), width: 2)
            doc.line(x1: x + 3, y1: frame.py(s.lower), x2: x + 13, y2: frame.py(s.lower), stroke: color(k), width: 2)
            doc.line(x1: x + 3, y1: frame.py(s.upper), x2: x + 13, y2: frame.py(s.upper), stroke: color(k), width: 2)
            doc.circle(cx: x + 8, cy: frame.py(s.mean), radius: 4.5, fill: color(k),
                       tooltip: String(format: "%@: mean %.4g [%.4g, %.4g]", arm.name, s.mean, s.lower, s.upper))
        }
        frame.drawLegend(into: &doc, [])
        return doc.render()
    }
}
