import Foundation

/// An SVG heatmap of a layer-similarity (CKA) matrix: labelled rows and columns, a 0…1 colour
/// scale with a legend bar, the values written in the cells when L ≤ 20, a hover tooltip per cell.
/// Values below 0 (unbiased CKA can be slightly negative) are coloured as 0 but printed as they are;
/// NaN cells are grey and read "NaN".
package struct CKAHeatmap: Sendable {
    package let matrix: [[Double]]
    package let labels: [String]
    package var title: String
    /// Write each value in its cell (default: when L ≤ 20).
    package var showsValues: Bool
    /// MSRS's similarity threshold τ: when set, off-diagonal cells with CKA ≥ τ are outlined (class
    /// `above-tau`) and τ is marked on the colour bar (class `tau-mark`).
    package var threshold: Double?
    /// A hover tooltip per cell (row × column: value); off keeps many embedded heatmaps small.
    package var showsTooltips = true

    /// - Throws: `ReportError.invalidMatrix` unless `matrix` is square, non-empty and has one label per row.
    package init(matrix: [[Double]], labels: [String], title: String) throws {
        guard !matrix.isEmpty, matrix.allSatisfy({ $0.count == matrix.count }) else {
            throw ReportError.invalidMatrix("expected a non-empty square matrix, got \(matrix.count) rows of lengths "
                                            + "\(Set(matrix.map(\.count)).sorted())")
        }
        guard labels.count == matrix.count else {
            throw ReportError.invalidMatrix("\(labels.count) labels for \(matrix.count) layers")
        }
        self.matrix = matrix
        self.labels = labels
        self.title = title
        self.showsValues = matrix.count <= 20
    }

    /// Anchor colours of the sequential scale at 0, 1/9, …, 1 (viridis: perceptually uniform,
    /// readable in greyscale and by colour-blind readers).
    static let scale: [SVGColor] = [
        (68, 1, 84), (72, 40, 120), (62, 73, 137), (49, 104, 142), (38, 130, 142),
        (31, 158, 137), (53, 183, 121), (110, 206, 88), (181, 222, 43), (253, 231, 37),
    ].map { SVGColor(red: $0.0, green: $0.1, blue: $0.2) }

    /// The fill for `value`, clamped to 0…1 and interpolated linearly between anchors; grey for NaN.
    package static func color(for value: Double) -> SVGColor {
        guard !value.isNaN else { return .gray }
        let t = min(1, max(0, value)) * Double(scale.count - 1)
        let low = min(Int(t), scale.count - 2)
        let f = t - Double(low)
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + f * (Double(b) - Double(a))).rounded()) }
        let a = scale[low], b = scale[low + 1]
        return SVGColor(red: mix(a.red, b.red), green: mix(a.green, b.green), blue: mix(a.blue, b.blue))
    }

    /// The standalone SVG document.
    package func svg() -> String {
        let layout = Layout(labels: labels, count: matrix.count)
        var doc = SVGDocument(width: layout.width, height: layout.height)
        doc.text(title, x: layout.width / 2, y: 24, fontSize: 16, anchor: .middle, bold: true)
        drawCells(into: &doc, layout)
        drawThreshold(into: &doc, layout)
        drawLabels(into: &doc, layout)
        drawLegend(into: &doc, layout)
        return doc.render()
    }

    private func drawCells(into doc: inout SVGDocument, _ layout: Layout) {
        let fontSize = min(12, layout.cell * 0.32)
        for (i, row) in matrix.enumerated() {
            for (j, value) in row.enumerated() {
                let x = layout.left + Double(j) * layout.cell, y = layout.top + Double(i) * layout.cell
                let fill = Self.color(for: value)
                doc.rect(x: x, y: y, width: layout.cell, height: layout.cell, fill: fill.hex, stroke: "#ffffff",
                         cssClass: "cell", tooltip: showsTooltips ? "\(labels[i]) × \(labels[j]): \(Self.format(value))" : nil)
                guard showsValues else { continue }
                doc.text(Self.format(value), x: x + layout.cell / 2, y: y + layout.cell / 2 + fontSize * 0.35,
                         fontSize: fontSize, anchor: .middle, fill: fill.luminance > 0.5 ? "#000000" : "#ffffff",
                         cssClass: "value")
            }
        }
    }

    /// Outlines of the cells at or above τ, drawn after all cells so no fill covers them.
    private func drawThreshold(into doc: inout SVGDocument, _ layout: Layout) {
        guard let tau = threshold else { return }
        for (i, row) in matrix.enumerated() {
            for (j, value) in row.enumerated() where i != j && value >= tau {
                doc.element("rect", attributes: [
                    ("x", SVGDocument.number(layout.left + Double(j) * layout.cell + 1)),
                    ("y", SVGDocument.number(layout.top + Double(i) * layout.cell + 1)),
                    ("width", SVGDocument.number(layout.cell - 2)), ("height", SVGDocument.number(layout.cell - 2)),
                    ("fill", "none"), ("stroke", "#e8112d"), ("stroke-width", "2"), ("class", "above-tau"),
                ])
            }
        }
    }

    private func drawLabels(into doc: inout SVGDocument, _ layout: Layout) {
        for (k, label) in labels.enumerated() {
            let centre = Double(k) * layout.cell + layout.cell / 2
            doc.text(label, x: layout.left - 6, y: layout.top + centre + 4, fontSize: Layout.labelFont,
                     anchor: .end, cssClass: "row-label")
            let x = layout.left + centre + 4, y = layout.top + layout.grid + 10
            doc.text(label, x: x, y: y, fontSize: Layout.labelFont, anchor: .end, rotation: -45, cssClass: "column-label")
        }
    }

    private func drawLegend(into doc: inout SVGDocument, _ layout: Layout) {
        let x = layout.left + layout.grid + 24, barWidth = 16.0, barHeight = layout.grid
        let stops = (0..<Self.scale.count).map { k in
            (offset: Double(k) / Double(Self.scale.count - 1), color: Self.scale[Self.scale.count - 1 - k])
        }
        doc.linearGradient(id: "cka-scale", stops: stops, vertical: true)
        doc.rect(x: x, y: layout.top, width: barWidth, height: barHeight, fill: "url(#cka-scale)", stroke: "#000000",
                 cssClass: "legend")
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            let y = layout.top + (1 - tick) * barHeight
            doc.line(x1: x + barWidth, y1: y, x2: x + barWidth + 4, y2: y)
            doc.text(String(format: "%.2f", tick), x: x + barWidth + 7, y: y + 4, fontSize: 11)
        }
        doc.text("CKA", x: x + barWidth / 2, y: layout.top - 8, fontSize: 11, anchor: .middle, bold: true)
        if let tau = threshold, tau >= 0, tau <= 1 {
            let y = layout.top + (1 - tau) * barHeight
            doc.element("line", attributes: [("x1", SVGDocument.number(x - 6)), ("y1", SVGDocument.number(y)),
                                             ("x2", SVGDocument.number(x + barWidth + 4)), ("y2", SVGDocument.number(y)),
                                             ("stroke", "#e8112d"), ("stroke-width", "2.5"), ("class", "tau-mark")])
            doc.text("τ " + String(format: "%.2f", tau), x: x + barWidth + 38, y: y + 4, fontSize: 11, fill: "#e8112d", bold: true)
        }
        let negatives = matrix.joined().filter { $0 < 0 }.count
        let nans = matrix.joined().filter(\.isNaN).count
        var notes: [String] = []
        if negatives > 0 { notes.append("\(negatives) value(s) < 0 coloured as 0") }
        if nans > 0 { notes.append("\(nans) NaN cell(s) in grey") }
        if let tau = threshold {
            let above = matrix.enumerated().map { i, row in row.enumerated().filter { $0.offset > i && $0.element >= tau }.count }
                .reduce(0, +)
            notes.append("outlined in red: \(above) layer pair(s) with CKA ≥ τ = \(String(format: "%.2f", tau))")
        }
        for (k, note) in notes.enumerated() {
            doc.text(note, x: layout.left, y: layout.height - 10 - Double(notes.count - 1 - k) * 14, fontSize: 11,
                     fill: "#444444", cssClass: "note")
        }
    }

    /// Two decimals, a true minus sign for negatives, "NaN" for NaN.
    static func format(_ value: Double) -> String {
        guard !value.isNaN else { return "NaN" }
        let text = String(format: "%.2f", abs(value))
        return value < 0 && text != "0.00" ? "−" + text : text
    }

    /// Geometry: cell size shrinks with L so the grid stays about 560 px wide (cells 14…56 px).
    private struct Layout {
        static let labelFont = 12.0
        let cell: Double, grid: Double, left: Double, top: Double, width: Double, height: Double

        init(labels: [String], count: Int) {
            cell = min(56, max(14, 560 / Double(count)))
            grid = cell * Double(count)
            let longest = Double(labels.map(\.count).max() ?? 0) * Self.labelFont * 0.6
            left = 20 + longest
            top = 56
            width = left + grid + 140
            height = top + grid + 20 + longest * 0.71 + 40
        }
    }
}
