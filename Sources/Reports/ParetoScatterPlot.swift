import Evolution
import Foundation
import RunModel

/// Valid accuracy against normalised MSRS, one marker per candidate: defined MSRS in the plot
/// (class `candidate`), undefined MSRS as hollow markers in a side band at their accuracy
/// (`candidate undefined`), diverged runs as crosses at the band's foot (`candidate diverged`).
/// The Pareto front (accuracy ↑, MSRS ↓, over defined MSRS) is a step line (`pareto-front`), the
/// search's answer a star (`best`). Markers shrink and fade as candidates grow in number; past
/// `DotLayer.detailedLimit` the defined-MSRS markers are one path (`DotLayer`).
/// Under a scheduler the plot holds the candidates at the highest fidelity reached only (fitness
/// and fronts compare within a fidelity), and its subtitle says how many stopped at lower rungs.
package struct ParetoScatterPlot {
    package let analysis: RunAnalysis

    package init(analysis: RunAnalysis) { self.analysis = analysis }

    /// Marker radius and opacity for `count` candidates.
    static func markerStyle(count: Int) -> (radius: Double, opacity: Double) {
        switch count {
        case ..<200: return (4, 0.75)
        case ..<2_000: return (2.6, 0.45)
        default: return (1.6, 0.28)
        }
    }

    package func svg() -> String {
        let shown = analysis.records.atHighestFidelity
        let records = shown.map { analysis.records[$0] }
        let answer = analysis.answer.flatMap { shown.firstIndex(of: $0) }
        let results = records.map(\.result)
        let usable = records.indices.filter { results[$0].isUsable }
        let defined = usable.filter { results[$0].normalizedMSRS != nil }
        let msrs = defined.map { results[$0].normalizedMSRS! }
        let accuracies = usable.map { results[$0].validAccuracy }
        let frame = PlotFrame(x: NiceTicks(low: min(0, msrs.min() ?? 0), high: max(msrs.max() ?? 1, 0.1)),
                              y: NiceTicks(low: accuracies.min() ?? 0, high: accuracies.max() ?? 100),
                              plotWidth: 580, gutter: 80)
        var doc = frame.document()
        frame.drawAxes(into: &doc, title: "Accuracy vs redundancy",
                       subtitle: subtitle(shown: records.count),
                       xLabel: "normalised MSRS", yLabel: "valid accuracy (%)")
        let band = (left: frame.right + 10, width: 60.0)
        doc.rect(x: band.left, y: PlotFrame.top, width: band.width, height: PlotFrame.plotHeight, fill: "#f4f4f4",
                 stroke: "#bbbbbb", cssClass: "undefined-band")
        doc.text("MSRS", x: band.left + band.width / 2, y: frame.bottom + 18, fontSize: 11, anchor: .middle)
        doc.text("undefined", x: band.left + band.width / 2, y: frame.bottom + 31, fontSize: 11, anchor: .middle)

        let style = Self.markerStyle(count: records.count)
        let tooltips = records.count <= 2_000
        var dots: [DotLayer.Point] = []
        for i in records.indices {
            let r = records[i], result = results[i]
            let tip = tooltips ? Self.tooltip(r) : nil
            let jitter = Double((r.number &* 7919) % 41 - 20)   // spreads the band's markers, deterministically
            if !result.isUsable {
                let path = PlotFrame.crossPath(x: band.left + band.width / 2 + jitter, y: frame.bottom - 10, size: style.radius + 1)
                doc.element("path", attributes: [("d", path), ("stroke", ReportPalette.red), ("stroke-width", "1.2"),
                                                 ("class", "candidate diverged")], tooltip: tip)
            } else if let m = result.normalizedMSRS {
                dots.append(DotLayer.Point(x: frame.px(m), y: frame.py(result.validAccuracy), tooltip: tip))
            } else {
                var attributes = circle(band.left + band.width / 2 + jitter * 0.9, frame.py(result.validAccuracy),
                                        style.radius, fill: "none", opacity: 1, cssClass: "candidate undefined")
                attributes += [("stroke", "#555555"), ("stroke-width", "1")]
                doc.element("circle", attributes: attributes, tooltip: tip)
            }
        }
        DotLayer.draw(dots, color: ReportPalette.blue, cssClass: "candidate", into: &doc, radius: style.radius,
                      opacity: style.opacity)
        let front = RunAnalysis.paretoFront(results)
        drawFront(front, results: results, frame, into: &doc)
        var legend: [(PlotFrame.Symbol, String)] = [
            (.marker(color: ReportPalette.blue, opacity: max(0.5, style.opacity)), "candidate"),
            (.line(color: ReportPalette.orange, dashed: false), "Pareto front (\(front.count))"),
        ]
        if let a = answer, results[a].isUsable {
            let x = results[a].normalizedMSRS.map(frame.px) ?? band.left + band.width / 2
            doc.element("path", attributes: [("d", PlotFrame.starPath(x: x, y: frame.py(results[a].validAccuracy), radius: 9)),
                                             ("fill", ReportPalette.yellow), ("stroke", "#000000"), ("stroke-width", "1"),
                                             ("class", "best")], tooltip: "answer: " + Self.tooltip(records[a]))
            legend.append((.star(color: ReportPalette.yellow), "answer (\(analysis.fitness.kind.rawValue) fitness)"))
        }
        let undefinedCount = usable.count - defined.count, divergedCount = records.count - usable.count
        if undefinedCount > 0 { legend.append((.hollowMarker(color: "#555555"), "MSRS undefined (\(undefinedCount))")) }
        if divergedCount > 0 { legend.append((.cross(color: ReportPalette.red), "diverged (\(divergedCount))")) }
        let notes = records.isEmpty ? ["no evaluations yet"] : []
        frame.drawLegend(into: &doc, legend, notes: notes)
        return doc.render()
    }

    private func subtitle(shown: Int) -> String {
        guard let epochs = analysis.records.highestFidelity else {
            return "\(shown) candidates; Pareto front: accuracy ↑, MSRS ↓ (defined MSRS only)"
        }
        let lower = analysis.records.count - shown
        return "\(shown) candidates at \(epochs) epochs (highest rung reached; \(lower) stopped lower not shown); "
            + "front: accuracy ↑, MSRS ↓"
    }

    /// The front as a staircase bounding the dominated region: right at the lower accuracy, then up.
    private func drawFront(_ front: [Int], results: [EvaluationResult], _ frame: PlotFrame, into doc: inout SVGDocument) {
        guard !front.isEmpty else { return }
        var pixels: [(x: Double, y: Double)] = []
        for i in front {
            let x = frame.px(results[i].normalizedMSRS!), y = frame.py(results[i].validAccuracy)
            if let last = pixels.last { pixels.append((x, last.y)) }
            pixels.append((x, y))
        }
        pixels.append((frame.right, pixels.last!.y))
        let list = pixels.map { "\(SVGDocument.number($0.x)),\(SVGDocument.number($0.y))" }.joined(separator: " ")
        doc.element("polyline", attributes: [("points", list), ("fill", "none"), ("stroke", ReportPalette.orange),
                                             ("stroke-width", "2"), ("class", "pareto-front")])
        for i in front {
            var attributes = circle(frame.px(results[i].normalizedMSRS!), frame.py(results[i].validAccuracy), 4.5,
                                    fill: "none", opacity: 1, cssClass: "front-point")
            attributes += [("stroke", ReportPalette.orange), ("stroke-width", "1.5")]
            doc.element("circle", attributes: attributes)
        }
    }

    private func circle(_ x: Double, _ y: Double, _ r: Double, fill: String, opacity: Double,
                        cssClass: String) -> [(String, String)] {
        var attributes = [("cx", SVGDocument.number(x)), ("cy", SVGDocument.number(y)), ("r", SVGDocument.number(r)),
                          ("fill", fill)]
        if opacity < 1 { attributes.append(("fill-opacity", SVGDocument.number(opacity))) }
        attributes.append(("class", cssClass))
        return attributes
    }

    static func tooltip(_ r: EvaluationRecord) -> String {
        var s = "#\(r.number) index \(r.index) \(r.arch): "
        if let d = r.metrics.diverged { return s + d }
        s += String(format: "valid %.2f%%", r.result.validAccuracy)
        s += ", MSRS " + (r.result.normalizedMSRS.map { String(format: "%.3f", $0) } ?? "undefined")
        return s
    }
}
