import Foundation
import RunModel

/// Accuracy per epoch, from the per-epoch history in each candidate's `metrics.json`.
///
/// For a run: the 10th–90th percentile band and the median of valid accuracy over every candidate
/// with a history (classes `curve-band`, `curve-median`), every candidate's own curve in grey when
/// there are at most `individualLimit` (class `curve`), and the highlighted ones (the top by
/// fitness) in colour (class `curve highlighted`). For one candidate (`single`): its train and
/// valid accuracy (classes `train-curve`, `valid-curve`) with a marker per epoch. Every curve
/// carries its values in `data-values` (space-separated, 4 decimals) and its candidate in `data-number`.
package struct LearningCurvesPlot {
    package struct Curve {
        package var number: Int
        package var epochs: [EpochMetrics]

        package init(number: Int, epochs: [EpochMetrics]) {
            self.number = number
            self.epochs = epochs
        }
    }

    static let individualLimit = 150

    package let curves: [Curve]
    /// Candidate numbers drawn in colour, best first (at most 6 are used).
    package let highlighted: [Int]
    package var title: String
    /// One candidate: train and valid accuracy instead of the run's distribution.
    package var single: Bool

    package init(curves: [Curve], highlighted: [Int] = [], title: String, single: Bool = false) {
        self.curves = curves.filter { !$0.epochs.isEmpty }
        self.highlighted = highlighted
        self.title = title
        self.single = single
    }

    static let colors = [ReportPalette.orange, ReportPalette.green, ReportPalette.red, ReportPalette.purple,
                         ReportPalette.blue, ReportPalette.yellow]

    package func svg() -> String {
        let epochs = curves.map { $0.epochs.map(\.epoch).max() ?? 1 }.max() ?? 1
        var values = curves.flatMap { $0.epochs.compactMap(\.validAccuracy) }
        if single { values += curves.flatMap { $0.epochs.map(\.trainAccuracy) } }
        var frame = PlotFrame(x: NiceTicks(low: 1, high: Double(max(2, epochs))),
                              y: NiceTicks(low: values.min() ?? 0, high: values.max() ?? 100))
        // Whole epochs only: 1, then every `step` (a nice whole number).
        let step = max(1, Int(NiceTicks.niceStep(Double(max(2, epochs)) / 6).rounded(.up)))
        frame.xTicks = [1] + stride(from: step, through: epochs, by: step).filter { $0 > 1 }.map(Double.init)
        var doc = frame.document()
        let subtitle = single ? "per epoch, from the candidate's metrics.json"
                              : "\(curves.count) trained candidates with a per-epoch history (metrics.json; reused results repeat their source)"
        frame.drawAxes(into: &doc, title: title, subtitle: subtitle, xLabel: "epoch",
                       yLabel: single ? "accuracy (%)" : "valid accuracy (%)", xTickLabel: { String(Int($0.rounded())) })
        var legend: [(PlotFrame.Symbol, String)] = []
        var notes: [String] = []
        if curves.isEmpty {
            notes.append("no per-epoch history found")
        } else if single {
            let c = curves[0]
            draw(c.epochs.map { ($0.epoch, $0.trainAccuracy) }, frame, color: ReportPalette.sky, width: 2,
                 cssClass: "train-curve", number: c.number, markers: true, into: &doc)
            draw(c.epochs.compactMap { e in e.validAccuracy.map { (e.epoch, $0) } }, frame, color: ReportPalette.blue,
                 width: 2.5, cssClass: "valid-curve", number: c.number, markers: true, into: &doc)
            legend = [(.line(color: ReportPalette.sky, dashed: false), "train accuracy (running, train mode)"),
                      (.line(color: ReportPalette.blue, dashed: false), "valid accuracy (after the epoch)")]
        } else {
            drawBand(epochs: epochs, frame, into: &doc)
            legend.append((.area(color: "#dfe8f3"), "10th–90th percentile"))
            legend.append((.line(color: ReportPalette.gray, dashed: true), "median"))
            if curves.count <= Self.individualLimit {
                for c in curves {
                    draw(c.epochs.compactMap { e in e.validAccuracy.map { (e.epoch, $0) } }, frame, color: "#b8b8b8",
                         width: 1, cssClass: "curve", number: c.number, markers: false, into: &doc)
                }
                legend.append((.line(color: "#b8b8b8", dashed: false), "a candidate"))
            } else {
                notes.append("individual curves omitted above \(Self.individualLimit) candidates")
            }
            let byNumber = Dictionary(curves.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
            for (k, number) in highlighted.filter({ byNumber[$0] != nil }).prefix(Self.colors.count).enumerated() {
                let c = byNumber[number]!
                draw(c.epochs.compactMap { e in e.validAccuracy.map { (e.epoch, $0) } }, frame, color: Self.colors[k],
                     width: 2, cssClass: "curve highlighted", number: number, markers: false, into: &doc)
                legend.append((.line(color: Self.colors[k], dashed: false), k == 0 ? "#\(number) (answer)" : "#\(number) (rank \(k + 1))"))
            }
        }
        frame.drawLegend(into: &doc, legend, notes: notes)
        return doc.render()
    }

    private func draw(_ points: [(epoch: Int, value: Double)], _ frame: PlotFrame, color: String, width: Double,
                      cssClass: String, number: Int, markers: Bool, into doc: inout SVGDocument) {
        guard !points.isEmpty else { return }
        let n = SVGDocument.number
        let list = points.map { "\(n(frame.px(Double($0.epoch)))),\(n(frame.py($0.value)))" }.joined(separator: " ")
        doc.element("polyline", attributes: [
            ("points", list), ("fill", "none"), ("stroke", color), ("stroke-width", n(width)), ("class", cssClass),
            ("data-number", "\(number)"), ("data-values", points.map { String(format: "%.4f", $0.value) }.joined(separator: " ")),
        ], tooltip: "#\(number)")
        guard markers else { return }
        for p in points {
            doc.element("circle", attributes: [("cx", n(frame.px(Double(p.epoch)))), ("cy", n(frame.py(p.value))), ("r", "3.5"),
                                               ("fill", color), ("class", "epoch-point")],
                        tooltip: String(format: "epoch %d: %.2f%%", p.epoch, p.value))
        }
    }

    /// Percentile band and median of valid accuracy at each epoch over the candidates that reached it.
    private func drawBand(epochs: Int, _ frame: PlotFrame, into doc: inout SVGDocument) {
        var rows: [(epoch: Int, low: Double, median: Double, high: Double)] = []
        for epoch in 1...max(1, epochs) {
            let values = curves.compactMap { c in c.epochs.first { $0.epoch == epoch }?.validAccuracy }.sorted()
            guard !values.isEmpty else { continue }
            func q(_ p: Double) -> Double { values[min(values.count - 1, Int((Double(values.count - 1) * p).rounded()))] }
            rows.append((epoch, q(0.1), q(0.5), q(0.9)))
        }
        guard !rows.isEmpty else { return }
        let n = SVGDocument.number
        let upper = rows.map { "\(n(frame.px(Double($0.epoch)))),\(n(frame.py($0.high)))" }
        let lower = rows.reversed().map { "\(n(frame.px(Double($0.epoch)))),\(n(frame.py($0.low)))" }
        doc.element("polygon", attributes: [("points", (upper + lower).joined(separator: " ")), ("fill", "#dfe8f3"),
                                            ("class", "curve-band")])
        let median = rows.map { "\(n(frame.px(Double($0.epoch)))),\(n(frame.py($0.median)))" }.joined(separator: " ")
        doc.element("polyline", attributes: [("points", median), ("fill", "none"), ("stroke", ReportPalette.gray),
                                             ("stroke-width", "2"), ("stroke-dasharray", "6 3"), ("class", "curve-median")])
    }
}
