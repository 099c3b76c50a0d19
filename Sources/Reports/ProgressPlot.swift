import Foundation

/// Best-so-far curves (valid accuracy, and the fitness when it differs) against evaluations or
/// wall time, over a dot per usable candidate at its own valid accuracy (class `candidate-dot`,
/// drawn through `DotLayer`). Curves are drawn as steps through the points where the best changes,
/// so the SVG stays small for any number of evaluations. Curve classes: `best-accuracy`, `best-fitness`.
package struct ProgressPlot {
    package enum Axis { case evaluations, wallTime }

    package let analysis: RunAnalysis
    package let axis: Axis

    package init(analysis: RunAnalysis, axis: Axis) {
        self.analysis = analysis
        self.axis = axis
    }

    /// Seconds per wall-time axis unit: minutes, or hours once the run is longer than 5 hours.
    private var timeUnit: (seconds: Double, name: String) {
        analysis.journal.reduce(0) { $0 + $1.seconds } > 5 * 3600 ? (3600, "h") : (60, "min")
    }

    private func position(_ p: RunAnalysis.ProgressPoint) -> Double {
        axis == .evaluations ? Double(p.number + 1) : p.seconds / timeUnit.seconds
    }

    package func svg() -> String {
        let accuracy = analysis.bestAccuracySoFar
        let fitness = analysis.bestFitnessSoFar ?? []
        let dots = candidateDots()
        let values = (accuracy + fitness).map(\.value) + dots.map(\.value)
        let lastX = analysis.journal.last.map { _ in
            axis == .evaluations ? Double(analysis.journal.count) : analysis.journal.reduce(0) { $0 + $1.seconds } / timeUnit.seconds
        } ?? 1
        let frame = PlotFrame(x: NiceTicks(low: axis == .evaluations ? 1 : 0, high: max(lastX, axis == .evaluations ? 1 : 0)),
                              y: NiceTicks(low: values.min() ?? 0, high: values.max() ?? 100))
        var doc = frame.document()
        let against = axis == .evaluations ? "evaluation number" : "wall time"
        let perEvaluation = analysis.isMultiFidelity
            ? "after each rung evaluation (the answer among the candidates, compared within a fidelity)"
            : "after each evaluation (reused results included)"
        let subtitle = axis == .evaluations ? perEvaluation
                                            : "cumulative evaluation time (training + MSRS; reused results take none)"
        frame.drawAxes(into: &doc, title: "Best so far vs \(against)", subtitle: subtitle,
                       xLabel: axis == .evaluations ? "evaluations" : "wall time (\(timeUnit.name))",
                       yLabel: fitness.isEmpty ? "valid accuracy (%)" : "valid accuracy (%) / fitness (points)")
        var legend: [(PlotFrame.Symbol, String)] = []
        if !dots.isEmpty {
            DotLayer.draw(dots.map { DotLayer.Point(x: frame.px(position($0.point)), y: frame.py($0.value), tooltip: $0.tooltip) },
                          color: ReportPalette.sky, cssClass: "candidate-dot", into: &doc)
            legend.append((.marker(color: ReportPalette.sky, opacity: 0.75), "a candidate (valid accuracy)"))
        }
        if !accuracy.isEmpty {
            drawSteps(accuracy, lastX: lastX, frame, color: ReportPalette.blue, dashed: false, cssClass: "best-accuracy", into: &doc)
            legend.append((.line(color: ReportPalette.blue, dashed: false), "best valid accuracy"))
        }
        if !fitness.isEmpty {
            drawSteps(fitness, lastX: lastX, frame, color: ReportPalette.orange, dashed: true, cssClass: "best-fitness", into: &doc)
            legend.append((.line(color: ReportPalette.orange, dashed: true), fitnessLegend))
        }
        var notes: [String] = []
        if analysis.fitness.kind == .accuracy { notes.append("fitness = valid accuracy") }
        if accuracy.isEmpty { notes.append("no usable evaluation yet") }
        frame.drawLegend(into: &doc, legend, notes: notes)
        return doc.render()
    }

    /// Each usable record at its own valid accuracy, placed like the curves' points.
    private func candidateDots() -> [(point: RunAnalysis.ProgressPoint, value: Double, tooltip: String)] {
        var seconds = 0.0
        // One dot per journal record: under a scheduler, each rung evaluation where it happened.
        return analysis.journal.compactMap { r in
            seconds += r.seconds
            guard r.result.isUsable else { return nil }
            let point = RunAnalysis.ProgressPoint(number: r.number, seconds: seconds, value: r.result.validAccuracy)
            return (point, r.result.validAccuracy, ParetoScatterPlot.tooltip(r))
        }
    }

    private var fitnessLegend: String {
        switch analysis.fitness.kind {
        case .penalty: return "best fitness (acc − \(SVGDocument.number(analysis.fitness.lambda))·MSRS)"
        default: return "accuracy of the answer (\(analysis.fitness.kind.rawValue))"
        }
    }

    /// A step line: horizontal at the old best until the x where it changes, then up.
    private func drawSteps(_ points: [RunAnalysis.ProgressPoint], lastX: Double, _ frame: PlotFrame, color: String,
                           dashed: Bool, cssClass: String, into doc: inout SVGDocument) {
        var pixels: [(x: Double, y: Double)] = []
        for p in points {
            let x = frame.px(position(p)), y = frame.py(p.value)
            if let last = pixels.last {
                if last.y == y { continue }
                pixels.append((x, last.y))
            }
            pixels.append((x, y))
        }
        if let last = pixels.last { pixels.append((frame.px(lastX), last.y)) }
        let list = pixels.map { "\(SVGDocument.number($0.x)),\(SVGDocument.number($0.y))" }.joined(separator: " ")
        var attributes = [("points", list), ("fill", "none"), ("stroke", color), ("stroke-width", "2"), ("class", cssClass)]
        if dashed { attributes.append(("stroke-dasharray", "6 3")) }
        doc.element("polyline", attributes: attributes)
    }
}
