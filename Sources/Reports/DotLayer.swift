import Foundation

/// Many markers drawn so the SVG stays light: up to `detailedLimit` points become one `<circle>`
/// each with a hover tooltip; more become a single `<path>` of zero-length round-capped segments on
/// whole pixels, duplicates dropped (at most one per pixel, so its size is bounded by the plot's
/// area, not by the number of candidates). Either way the markers carry `cssClass`.
struct DotLayer {
    struct Point {
        var x: Double
        var y: Double
        var tooltip: String?
    }

    static let detailedLimit = 1_500

    /// Marker radius and opacity for `count` points (smaller and fainter as they grow in number).
    static func style(count: Int) -> (radius: Double, opacity: Double) {
        switch count {
        case ..<200: return (4, 0.75)
        case ..<2_000: return (2.6, 0.45)
        default: return (1.6, 0.4)
        }
    }

    static func draw(_ points: [Point], color: String, cssClass: String, into doc: inout SVGDocument,
                     radius: Double? = nil, opacity: Double? = nil) {
        guard !points.isEmpty else { return }
        let style = Self.style(count: points.count)
        let r = radius ?? style.radius, alpha = opacity ?? style.opacity
        let n = SVGDocument.number
        if points.count <= detailedLimit {
            for p in points {
                doc.element("circle", attributes: [("cx", n(p.x)), ("cy", n(p.y)), ("r", n(r)), ("fill", color),
                                                   ("fill-opacity", n(alpha)), ("class", cssClass)], tooltip: p.tooltip)
            }
            return
        }
        var seen = Set<Int>()
        var d = ""
        d.reserveCapacity(points.count * 10)
        for p in points {
            let (x, y) = (Int(p.x.rounded()), Int(p.y.rounded()))
            guard seen.insert(x << 20 | y).inserted else { continue }
            d += "M\(x) \(y)h0"
        }
        doc.element("path", attributes: [("d", d), ("stroke", color), ("stroke-width", n(2 * r)),
                                         ("stroke-linecap", "round"), ("stroke-opacity", n(alpha)), ("fill", "none"),
                                         ("class", cssClass), ("data-count", "\(points.count)")])
    }
}
