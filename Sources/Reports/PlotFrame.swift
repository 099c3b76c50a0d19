import Foundation

/// The frame shared by every report chart: a title, a plot area with nice ticks, grid lines,
/// axis labels with units, and a legend to the right of the plot (so it never hides data).
/// Maps data coordinates to pixels. Text classes for tests and CSS: `title`, `subtitle`,
/// `axis-label`, `tick-label`, `legend`.
package struct PlotFrame {
    package static let plotHeight = 340.0
    package static let left = 72.0, top = 58.0, legendWidth = 250.0

    package let x: NiceTicks
    package let y: NiceTicks
    /// Width of the data area; `gutter` = extra room between it and the legend (e.g. a side band).
    package let plotWidth: Double
    package let gutter: Double
    /// Tick positions on x instead of `x.values` (log axes: 1-2-5 steps); must lie in `x`'s range.
    package var xTicks: [Double]?
    package var width: Double { Self.left + 660 + 24 + Self.legendWidth }
    package var height: Double { Self.top + Self.plotHeight + 62 }
    package var bottom: Double { Self.top + Self.plotHeight }
    package var right: Double { Self.left + plotWidth }

    package init(x: NiceTicks, y: NiceTicks, plotWidth: Double = 660, gutter: Double = 0) {
        self.x = x
        self.y = y
        self.plotWidth = plotWidth
        self.gutter = gutter
    }

    /// Pixel x of data value `v` (values outside the axis are clamped to the frame).
    package func px(_ v: Double) -> Double {
        Self.left + min(1, max(0, (v - x.lower) / (x.upper - x.lower))) * plotWidth
    }

    /// Pixel y of data value `v` (up is larger; clamped to the frame).
    package func py(_ v: Double) -> Double {
        bottom - min(1, max(0, (v - y.lower) / (y.upper - y.lower))) * Self.plotHeight
    }

    package func document() -> SVGDocument { SVGDocument(width: width, height: height) }

    /// Title, optional subtitle, grid, ticks, tick labels and axis labels.
    package func drawAxes(into doc: inout SVGDocument, title: String, subtitle: String?, xLabel: String, yLabel: String,
                  xTickLabel: ((Double) -> String)? = nil) {
        doc.text(title, x: Self.left, y: 24, fontSize: 16, bold: true, cssClass: "title")
        if let subtitle { doc.text(subtitle, x: Self.left, y: 42, fontSize: 11, fill: "#555555", cssClass: "subtitle") }
        doc.rect(x: Self.left, y: Self.top, width: plotWidth, height: Self.plotHeight, fill: "#ffffff",
                 stroke: "#888888", cssClass: "plot-area")
        for value in xTicks ?? x.values {
            let p = px(value)
            doc.line(x1: p, y1: Self.top, x2: p, y2: bottom, stroke: "#e6e6e6")
            doc.line(x1: p, y1: bottom, x2: p, y2: bottom + 5, stroke: "#444444")
            doc.text(xTickLabel?(value) ?? x.label(value), x: p, y: bottom + 18, fontSize: 11, anchor: .middle,
                     cssClass: "tick-label")
        }
        for value in y.values {
            let p = py(value)
            doc.line(x1: Self.left, y1: p, x2: right, y2: p, stroke: "#e6e6e6")
            doc.line(x1: Self.left - 5, y1: p, x2: Self.left, y2: p, stroke: "#444444")
            doc.text(y.label(value), x: Self.left - 8, y: p + 4, fontSize: 11, anchor: .end, cssClass: "tick-label")
        }
        doc.text(xLabel, x: Self.left + plotWidth / 2, y: bottom + 42, fontSize: 13, anchor: .middle,
                 cssClass: "axis-label")
        doc.text(yLabel, x: 18, y: Self.top + Self.plotHeight / 2, fontSize: 13, anchor: .middle, rotation: -90,
                 cssClass: "axis-label")
    }

    package enum Symbol {
        case line(color: String, dashed: Bool)
        case marker(color: String, opacity: Double)
        case hollowMarker(color: String)
        case cross(color: String)
        case star(color: String)
        case area(color: String)
    }

    /// Legend entries stacked to the right of the plot area; `notes` (grey) follow them.
    package func drawLegend(into doc: inout SVGDocument, _ entries: [(Symbol, String)], notes: [String] = []) {
        let x = right + gutter + 24
        var y = Self.top + 10
        for (symbol, label) in entries {
            Self.drawSymbol(symbol, x: x + 10, y: y, into: &doc)
            doc.text(label, x: x + 26, y: y + 4, fontSize: 12, cssClass: "legend")
            y += 20
        }
        y += 6
        for note in notes {
            doc.text(note, x: x, y: y + 4, fontSize: 11, fill: "#555555", cssClass: "note")
            y += 16
        }
    }

    static func drawSymbol(_ symbol: Symbol, x: Double, y: Double, into doc: inout SVGDocument) {
        switch symbol {
        case let .line(color, dashed):
            var attributes = [("x1", x - 10), ("y1", y), ("x2", x + 10), ("y2", y)].map { ($0.0, SVGDocument.number($0.1)) }
            attributes += [("stroke", color), ("stroke-width", "2.5")]
            if dashed { attributes.append(("stroke-dasharray", "5 3")) }
            doc.element("line", attributes: attributes)
        case let .marker(color, opacity):
            doc.element("circle", attributes: [("cx", SVGDocument.number(x)), ("cy", SVGDocument.number(y)), ("r", "4"),
                                               ("fill", color), ("fill-opacity", SVGDocument.number(opacity))])
        case let .hollowMarker(color):
            doc.element("circle", attributes: [("cx", SVGDocument.number(x)), ("cy", SVGDocument.number(y)), ("r", "4"),
                                               ("fill", "none"), ("stroke", color), ("stroke-width", "1.2")])
        case let .cross(color):
            doc.element("path", attributes: [("d", crossPath(x: x, y: y, size: 4)), ("stroke", color), ("stroke-width", "1.5")])
        case let .star(color):
            doc.element("path", attributes: [("d", starPath(x: x, y: y, radius: 8)), ("fill", color), ("stroke", "#000000")])
        case let .area(color):
            doc.rect(x: x - 9, y: y - 6, width: 18, height: 12, fill: color)
        }
    }

    /// An × of half-size `size` centred at (x, y), as path data.
    static func crossPath(x: Double, y: Double, size: Double) -> String {
        let n = SVGDocument.number
        return "M\(n(x - size)) \(n(y - size))L\(n(x + size)) \(n(y + size))M\(n(x - size)) \(n(y + size))L\(n(x + size)) \(n(y - size))"
    }

    /// A five-pointed star of outer radius `radius` centred at (x, y), as path data.
    static func starPath(x: Double, y: Double, radius: Double) -> String {
        let points = (0..<10).map { k -> String in
            let r = k % 2 == 0 ? radius : radius * 0.45
            let angle = Double.pi * Double(k) / 5 - Double.pi / 2
            return "\(SVGDocument.number(x + r * cos(angle))) \(SVGDocument.number(y + r * sin(angle)))"
        }
        return "M" + points.joined(separator: "L") + "Z"
    }
}

/// A categorical palette (Okabe–Ito: distinguishable for colour-blind readers).
package enum ReportPalette {
    package static let blue = "#0072b2", orange = "#e69f00", green = "#009e73", red = "#d55e00"
    package static let purple = "#cc79a7", sky = "#56b4e9", yellow = "#f0e442", gray = "#999999"
}
