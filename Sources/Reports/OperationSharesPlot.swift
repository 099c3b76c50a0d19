import CellSpace
import Foundation

/// Stacked areas of each operation's share of the population's edges after every evaluation
/// (one `polygon` of class `op-area` per operation). Long runs are averaged into ≤ `maxColumns` buckets.
package struct OperationSharesPlot {
    package let shares: OperationShares
    package let window: Int
    package let windowName: String
    package var maxColumns = 400

    /// - Parameters:
    ///   - shares: each operation's share after every evaluation, as ``OperationShares`` counts them.
    ///   - window: how many of the latest evaluations each share counts (the population size for REA).
    ///   - windowName: how the window is described, e.g. "REA population (P = 10)".
    package init(shares: OperationShares, window: Int, windowName: String) {
        self.shares = shares
        self.window = window
        self.windowName = windowName
    }

    package func svg() -> String {
        let n = shares.shares.count
        let frame = PlotFrame(x: NiceTicks(low: 1, high: Double(max(n, 2))), y: NiceTicks(low: 0, high: 100))
        var doc = frame.document()
        frame.drawAxes(into: &doc, title: "Operations in the population",
                       subtitle: "share of each op among the 6 edges of the \(windowName) after each evaluation",
                       xLabel: "evaluations", yLabel: "share of edges (%)")
        // Long runs: one column per bucket of evaluations, at the bucket's mean share (not a sample,
        // which would alias the population's fast turnover into noise).
        let bucket = max(1, (n + maxColumns - 1) / maxColumns)
        let columns = Array(stride(from: 0, to: n, by: bucket))
        let means = columns.map { start -> [Double] in
            let rows = shares.shares[start..<min(n, start + bucket)]
            return OperationShares.operations.indices.map { k in rows.reduce(0) { $0 + $1[k] } / Double(rows.count) }
        }
        var lower = [Double](repeating: 0, count: columns.count)
        var legend: [(PlotFrame.Symbol, String)] = []
        for (k, op) in OperationShares.operations.enumerated() where !columns.isEmpty {
            let upper = columns.indices.map { lower[$0] + means[$0][k] * 100 }
            // A single evaluation still gets a visible band: widen it to the axis.
            let xs = columns.count == 1 ? [1.0, Double(max(n, 2))] : columns.map { Double(min(n, $0 + bucket)) }
            let up = columns.count == 1 ? [upper[0], upper[0]] : upper
            let down = columns.count == 1 ? [lower[0], lower[0]] : lower
            let top = zip(xs, up).map { "\(SVGDocument.number(frame.px($0))),\(SVGDocument.number(frame.py($1)))" }
            let bottom = zip(xs, down).reversed().map { "\(SVGDocument.number(frame.px($0))),\(SVGDocument.number(frame.py($1)))" }
            doc.element("polygon", attributes: [("points", (top + bottom).joined(separator: " ")),
                                                ("fill", Self.color(op)), ("fill-opacity", "0.85"),
                                                ("class", "op-area op-\(op.rawValue)")])
            lower = upper
            legend.append((.area(color: Self.color(op)), op.rawValue))
        }
        legend.reverse()   // legend top-to-bottom matches the stacking order
        frame.drawLegend(into: &doc, legend, notes: n == 0 ? ["no evaluations yet"] : ["window: last \(window) evaluations"])
        return doc.render()
    }

    static func color(_ op: CellOperation) -> String {
        op == .none ? "#d9d9d9" : CellDiagram.color(op)
    }
}
