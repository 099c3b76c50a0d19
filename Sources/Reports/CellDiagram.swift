import CellSpace
import Foundation

/// A NATS cell drawn as its DAG: nodes 0 (input) … 3 (output) left to right, one arrow per edge
/// whose operation is not `none` (class `edge`), labelled by the operation (class `edge-label`).
/// Skip connections are dashed and orange; edges spanning two nodes arc above, the 3←0 edge below.
/// The legend and arrow markers list only the operations the cell uses.
package struct CellDiagram {
    package let cell: Cell
    package var title: String

    package init(cell: Cell, title: String) {
        self.cell = cell
        self.title = title
    }

    static let width = 760.0, height = 330.0, nodeRadius = 22.0, baseline = 165.0

    static func nodeX(_ node: Int) -> Double { 90 + Double(node) * 190 }

    static func color(_ op: CellOperation) -> String {
        switch op {
        case .conv3x3: return ReportPalette.blue
        case .conv1x1: return ReportPalette.sky
        case .avgPool3x3: return ReportPalette.green
        case .skipConnect: return ReportPalette.orange
        case .none: return ReportPalette.gray
        }
    }

    package func svg() -> String {
        var doc = SVGDocument(width: Self.width, height: Self.height)
        doc.text(title, x: 20, y: 26, fontSize: 16, bold: true, cssClass: "title")
        doc.text(cell.architectureString, x: 20, y: 46, fontSize: 11, fill: "#555555", cssClass: "subtitle")
        for op in Set(cell.operations).sorted(by: { $0.rawValue < $1.rawValue }) where op != .none {
            let id = "arrow-\(op.rawValue)"
            doc.define("<marker id=\"\(id)\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
                       + "orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" fill=\"\(Self.color(op))\"/></marker>")
        }
        var labels: [(text: String, x: Double, y: Double)] = []
        for (e, edge) in Cell.edges.enumerated() where cell[edge: e] != .none {
            labels.append(drawEdge(edge, op: cell[edge: e], into: &doc))
        }
        for node in 0..<Cell.nodeCount {
            let x = Self.nodeX(node)
            doc.element("circle", attributes: [("cx", SVGDocument.number(x)), ("cy", SVGDocument.number(Self.baseline)),
                                               ("r", SVGDocument.number(Self.nodeRadius)), ("fill", "#ffffff"),
                                               ("stroke", "#222222"), ("stroke-width", "2"), ("class", "node")])
            doc.text("\(node)", x: x, y: Self.baseline + 6, fontSize: 17, anchor: .middle, bold: true)
            let role = node == 0 ? "input" : node == Cell.nodeCount - 1 ? "output" : nil
            if let role { doc.text(role, x: x, y: Self.baseline + Self.nodeRadius + 18, fontSize: 12, anchor: .middle, fill: "#444444") }
        }
        // Labels last, on a white plate, so arrows never cover them.
        for label in labels {
            let w = Double(label.text.count) * 6.6 + 8
            doc.rect(x: label.x - w / 2, y: label.y - 12, width: w, height: 16, fill: "#ffffff")
            doc.text(label.text, x: label.x, y: label.y, fontSize: 11.5, anchor: .middle, cssClass: "edge-label")
        }
        drawLegend(into: &doc)
        return doc.render()
    }

    /// Draws one arrow; returns its label and where it goes.
    private func drawEdge(_ edge: CellEdge, op: CellOperation, into doc: inout SVGDocument) -> (String, Double, Double) {
        let (x1, x2, y) = (Self.nodeX(edge.source), Self.nodeX(edge.target), Self.baseline)
        let span = edge.target - edge.source
        // Straight for neighbours, arcs above for span 2 (two heights so they do not overlap), below for span 3.
        let bend: Double = span == 1 ? 0 : span == 2 ? (edge.source == 0 ? -150 : -110) : 190
        let (cx, cy) = ((x1 + x2) / 2, y + bend)
        let start = Self.towards(x: x1, y: y, cx: cx, cy: bend == 0 ? y : cy, by: Self.nodeRadius)
        let end = Self.towards(x: x2, y: y, cx: cx, cy: bend == 0 ? y : cy, by: Self.nodeRadius + 2)
        let n = SVGDocument.number
        let d = bend == 0 ? "M\(n(start.x)) \(n(start.y))L\(n(end.x)) \(n(end.y))"
                          : "M\(n(start.x)) \(n(start.y))Q\(n(cx)) \(n(cy)) \(n(end.x)) \(n(end.y))"
        var attributes = [("d", d), ("fill", "none"), ("stroke", Self.color(op)), ("stroke-width", op == .skipConnect ? "2" : "2.5"),
                          ("marker-end", "url(#arrow-\(op.rawValue))"), ("class", "edge op-\(op.rawValue)"),
                          ("data-edge", "\(edge.target)<-\(edge.source)")]
        if op == .skipConnect { attributes.append(("stroke-dasharray", "7 4")) }
        doc.element("path", attributes: attributes, tooltip: "\(edge): \(op.rawValue)")
        // The midpoint of a quadratic Bézier is halfway between the chord and the control point.
        return (op.rawValue, cx, bend == 0 ? y - 8 : y + bend / 2 + 4)
    }

    /// The point at distance `by` from (x, y) in the direction of (cx, cy) (or along the axis if equal).
    static func towards(x: Double, y: Double, cx: Double, cy: Double, by distance: Double) -> (x: Double, y: Double) {
        let dx = cx - x, dy = cy - y, length = (dx * dx + dy * dy).squareRoot()
        guard length > 0 else { return (x, y) }
        return (x + dx / length * distance, y + dy / length * distance)
    }

    private func drawLegend(into doc: inout SVGDocument) {
        var x = 20.0
        let y = Self.height - 14
        let used = Set(cell.operations)
        for op in [CellOperation.conv3x3, .conv1x1, .avgPool3x3, .skipConnect] where used.contains(op) {
            var attributes = [("x1", x), ("y1", y - 4), ("x2", x + 26), ("y2", y - 4)].map { ($0.0, SVGDocument.number($0.1)) }
            attributes += [("stroke", Self.color(op)), ("stroke-width", "2.5")]
            if op == .skipConnect { attributes.append(("stroke-dasharray", "7 4")) }
            doc.element("line", attributes: attributes)
            doc.text(op.rawValue, x: x + 32, y: y, fontSize: 11, cssClass: "legend")
            x += 48 + Double(op.rawValue.count) * 6.6
        }
        if used.contains(.none) { doc.text("none edges omitted", x: x, y: y, fontSize: 11, fill: "#555555", cssClass: "legend") }
    }
}
