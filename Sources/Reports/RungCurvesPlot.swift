import Foundation
import RunModel

/// Multi-fidelity runs: each candidate's validation accuracy at every rung it reached, against
/// epochs trained, as a line ending in a marker where it stopped (filled for candidates that
/// reached the top rung, hollow for those paused below it). The answer is drawn in orange.
/// Classes: `candidate-curve`, `stopped`, `completed`, `answer`.
package struct RungCurvesPlot {
    /// Each candidate's records, lowest rung first.
    package let curves: [[EvaluationRecord]]
    /// Epochs of the top rung (full training).
    package let maxEpochs: Int
    /// The answer's candidate number, when there is one.
    package let answer: Int?

    package init(curves: [[EvaluationRecord]], maxEpochs: Int, answer: Int?) {
        self.curves = curves
        self.maxEpochs = maxEpochs
        self.answer = answer
    }

    package func svg() -> String {
        let usable = curves.map { $0.filter(\.result.isUsable) }.filter { !$0.isEmpty }
        let values = usable.flatMap { $0.map(\.metrics.validAccuracy) }
        let frame = PlotFrame(x: NiceTicks(low: 0, high: Double(max(1, maxEpochs))),
                              y: NiceTicks(low: values.min() ?? 0, high: values.max() ?? 100))
        var doc = frame.document()
        frame.drawAxes(into: &doc, title: "Candidates' curves across rungs",
                       subtitle: "valid accuracy at each rung reached; the marker is where the candidate stopped",
                       xLabel: "epochs trained", yLabel: "valid accuracy (%)")
        let ordered = usable.sorted { ($0[0].candidateNumber == answer ? 1 : 0) < ($1[0].candidateNumber == answer ? 1 : 0) }
        for curve in ordered {
            let isAnswer = curve[0].candidateNumber == answer
            let color = isAnswer ? ReportPalette.orange : ReportPalette.blue
            let points = curve.map { (x: frame.px(Double($0.metrics.epochs)), y: frame.py($0.metrics.validAccuracy)) }
            if points.count > 1 {
                doc.element("polyline", attributes: [
                    ("points", points.map { "\(SVGDocument.number($0.x)),\(SVGDocument.number($0.y))" }.joined(separator: " ")),
                    ("fill", "none"), ("stroke", color), ("stroke-width", isAnswer ? "2.5" : "1"),
                    ("stroke-opacity", isAnswer ? "1" : "0.5"), ("class", isAnswer ? "candidate-curve answer" : "candidate-curve"),
                ])
            }
            let last = curve[curve.count - 1]
            let done = last.metrics.epochs >= maxEpochs
            let end = points[points.count - 1]
            let tooltip = "#\(last.candidateNumber) index \(last.index): "
                + curve.map { "\($0.metrics.epochs) ep \(String(format: "%.2f", $0.metrics.validAccuracy))%" }.joined(separator: " → ")
            doc.element("circle", attributes: [
                ("cx", SVGDocument.number(end.x)), ("cy", SVGDocument.number(end.y)), ("r", "3.5"),
                ("fill", done ? color : "white"), ("stroke", color), ("class", done ? "completed" : "stopped"),
            ], tooltip: tooltip)
        }
        let stopped = usable.filter { $0[$0.count - 1].metrics.epochs < maxEpochs }.count
        frame.drawLegend(into: &doc, [(.marker(color: ReportPalette.blue, opacity: 1), "reached the top rung"),
                                      (.line(color: ReportPalette.orange, dashed: false), "the answer")],
                         notes: ["\(usable.count) candidates, \(stopped) stopped below \(maxEpochs) epochs",
                                 "hollow marker = stopped at a lower rung"])
        return doc.render()
    }
}
