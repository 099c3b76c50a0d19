import Foundation

/// An RGB colour for SVG output.
package struct SVGColor: Equatable, Sendable {
    package var red: UInt8
    package var green: UInt8
    package var blue: UInt8

    package init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// `#rrggbb`.
    package var hex: String { String(format: "#%02x%02x%02x", red, green, blue) }

    /// Relative luminance in 0…1 (sRGB weights, no gamma): decides dark or light text on a fill.
    package var luminance: Double { (0.2126 * Double(red) + 0.7152 * Double(green) + 0.0722 * Double(blue)) / 255 }

    package static let black = SVGColor(red: 0, green: 0, blue: 0)
    package static let white = SVGColor(red: 255, green: 255, blue: 255)
    package static let gray = SVGColor(red: 160, green: 160, blue: 160)
}

/// A minimal SVG writer: elements are appended in drawing order and `render()` returns a
/// well-formed standalone document. Text and attribute values are XML-escaped here, so callers pass
/// plain strings. Reused by every report plot (heatmaps, line and scatter plots).
package struct SVGDocument: Sendable {
    package let width: Double
    package let height: Double
    private var definitions: [String] = []
    private var elements: [String] = []

    package init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A generic element; `attributes` keep their order. `text` (escaped) becomes the content,
    /// `tooltip` a `<title>` child that viewers show on hover.
    package mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>,
                                 text: String? = nil, tooltip: String? = nil) {
        elements.append(Self.markup(name, attributes.map { ($0.key, $0.value) }, text: text, tooltip: tooltip))
    }

    package mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                              stroke: String? = nil, cssClass: String? = nil, tooltip: String? = nil) {
        var attributes: [(String, String)] = [("x", Self.number(x)), ("y", Self.number(y)),
                                              ("width", Self.number(width)), ("height", Self.number(height)),
                                              ("fill", fill)]
        if let stroke { attributes.append(("stroke", stroke)) }
        if let cssClass { attributes.append(("class", cssClass)) }
        elements.append(Self.markup("rect", attributes, text: nil, tooltip: tooltip))
    }

    package enum TextAnchor: String, Sendable { case start, middle, end }

    /// Text at (x, y) (the baseline point); `rotation` in degrees around that point.
    package mutating func text(_ content: String, x: Double, y: Double, fontSize: Double = 12,
                              anchor: TextAnchor = .start, fill: String = "#000000", bold: Bool = false,
                              rotation: Double = 0, cssClass: String? = nil) {
        var attributes: [(String, String)] = [("x", Self.number(x)), ("y", Self.number(y)),
                                              ("font-size", Self.number(fontSize)),
                                              ("text-anchor", anchor.rawValue), ("fill", fill)]
        if bold { attributes.append(("font-weight", "bold")) }
        if rotation != 0 {
            attributes.append(("transform", "rotate(\(Self.number(rotation)) \(Self.number(x)) \(Self.number(y)))"))
        }
        if let cssClass { attributes.append(("class", cssClass)) }
        elements.append(Self.markup("text", attributes, text: content, tooltip: nil))
    }

    package mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "#000000",
                              width: Double = 1) {
        element("line", ["x1": Self.number(x1), "y1": Self.number(y1), "x2": Self.number(x2),
                         "y2": Self.number(y2), "stroke": stroke, "stroke-width": Self.number(width)])
    }

    /// An open polyline through `points` (line plots).
    package mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 1.5) {
        let list = points.map { "\(Self.number($0.x)),\(Self.number($0.y))" }.joined(separator: " ")
        element("polyline", ["points": list, "fill": "none", "stroke": stroke, "stroke-width": Self.number(width)])
    }

    /// A generic element with attributes built at run time (in order); see `element(_:_:text:tooltip:)`.
    package mutating func element(_ name: String, attributes: [(String, String)], text: String? = nil,
                                 tooltip: String? = nil) {
        elements.append(Self.markup(name, attributes, text: text, tooltip: tooltip))
    }

    /// Raw markup for `<defs>` (markers, gradients); the caller escapes it (use `escape`).
    package mutating func define(_ markup: String) { definitions.append(markup) }

    /// A filled circle (scatter plots).
    package mutating func circle(cx: Double, cy: Double, radius: Double, fill: String, tooltip: String? = nil) {
        element("circle", ["cx": Self.number(cx), "cy": Self.number(cy), "r": Self.number(radius), "fill": fill],
                tooltip: tooltip)
    }

    /// A linear gradient usable as `fill="url(#id)"`; `stops` are (offset 0…1, colour).
    /// `vertical` runs from the top (offset 0) to the bottom (offset 1).
    package mutating func linearGradient(id: String, stops: [(offset: Double, color: SVGColor)], vertical: Bool) {
        let direction: [(String, String)] = vertical
            ? [("x1", "0"), ("y1", "0"), ("x2", "0"), ("y2", "1")]
            : [("x1", "0"), ("y1", "0"), ("x2", "1"), ("y2", "0")]
        let children = stops.map {
            Self.markup("stop", [("offset", Self.number($0.offset)), ("stop-color", $0.color.hex)], text: nil, tooltip: nil)
        }
        let open = Self.openTag("linearGradient", [("id", id)] + direction)
        definitions.append(open + children.joined() + "</linearGradient>")
    }

    /// The document as a standalone SVG file.
    package func render() -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.number(width))\" "
            + "height=\"\(Self.number(height))\" viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" "
            + "font-family=\"Helvetica, Arial, sans-serif\">\n"
        if !definitions.isEmpty { out += "<defs>\n" + definitions.joined(separator: "\n") + "\n</defs>\n" }
        out += elements.joined(separator: "\n")
        out += "\n</svg>\n"
        return out
    }

    /// XML-escapes text and attribute values (&, <, >, ", ').
    package static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// A coordinate with at most two decimals and no trailing zeros, locale-independent.
    package static func number(_ v: Double) -> String {
        let rounded = (v * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        var s = String(format: "%.2f", rounded)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }

    static func openTag<S: Sequence>(_ name: String, _ attributes: S) -> String where S.Element == (String, String) {
        "<" + name + attributes.map { " \($0.0)=\"\(escape($0.1))\"" }.joined() + ">"
    }

    static func markup<S: Sequence>(_ name: String, _ attributes: S, text: String?, tooltip: String?) -> String
    where S.Element == (String, String) {
        let open = openTag(name, attributes)
        var content = ""
        if let tooltip { content += "<title>\(escape(tooltip))</title>" }
        if let text { content += escape(text) }
        if content.isEmpty { return String(open.dropLast()) + "/>" }
        return open + content + "</\(name)>"
    }
}
