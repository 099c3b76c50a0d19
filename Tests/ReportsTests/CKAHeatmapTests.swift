import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Reports

/// Every element named `name` below `node`, in document order (a tree walk; no XPath needed).
func elements(named name: String, in node: XMLNode) -> [XMLElement] {
    var found: [XMLElement] = []
    for child in node.children ?? [] {
        if let element = child as? XMLElement, element.localName == name || element.name == name { found.append(element) }
        found += elements(named: name, in: child)
    }
    return found
}

extension XMLElement {
    // Via `attributes`: swift-corelibs' attribute(forName:) returns nil inside a default namespace.
    func value(of attribute: String) -> String? { attributes?.first { $0.name == attribute }?.stringValue }
}

final class CKAHeatmapTests: XCTestCase {
    private let labels = ["stem", "cell 0", "reduction <1> & \"x\"", "cell 1"]
    private let matrix: [[Double]] = [
        [1, 0.91, -0.03, 0.4],
        [0.91, 1, 0.5, .nan],
        [-0.03, 0.5, 1, 0.77],
        [0.4, .nan, 0.77, 1],
    ]

    private func parse(_ svg: String) throws -> XMLDocument {
        try XMLDocument(data: Data(svg.utf8), options: [])
    }

    func testHeatmapIsWellFormedWithCellsLabelsAndLegend() throws {
        let svg = try CKAHeatmap(matrix: matrix, labels: labels, title: "CKA — cell <net>").svg()
        let document = try parse(svg)
        let root = try XCTUnwrap(document.rootElement())
        XCTAssertEqual(root.name, "svg")
        let rects = elements(named: "rect", in: root)
        let cells = rects.filter { $0.value(of: "class") == "cell" }
        XCTAssertEqual(cells.count, 16)
        guard cells.count == 16 else { return }
        XCTAssertEqual(rects.filter { $0.value(of: "class") == "legend" }.count, 1)
        let texts = elements(named: "text", in: root).compactMap { $0.stringValue }
        for label in labels {
            XCTAssertEqual(texts.filter { $0 == label }.count, 2, "row and column label for \(label)")
        }
        XCTAssertTrue(texts.contains("CKA — cell <net>"))
        XCTAssertTrue(texts.contains("0.91"))
        XCTAssertTrue(texts.contains("−0.03"))   // negative shown, coloured as 0
        XCTAssertTrue(texts.contains("NaN"))
        XCTAssertTrue(texts.contains { $0.contains("< 0 coloured as 0") })
        // The clamped cell has the colour of 0, the NaN cell grey.
        XCTAssertEqual(cells[2].value(of: "fill"), CKAHeatmap.color(for: 0).hex)
        XCTAssertEqual(cells[7].value(of: "fill"), SVGColor.gray.hex)
        XCTAssertEqual(cells[2].stringValue, "stem × reduction <1> & \"x\": −0.03")   // the tooltip
    }

    func testLargeMatricesOmitCellText() throws {
        let l = 25
        let big = (0..<l).map { i in (0..<l).map { j in i == j ? 1.0 : 0.5 } }
        let svg = try CKAHeatmap(matrix: big, labels: (0..<l).map { "cell \($0)" }, title: "big").svg()
        let root = try XCTUnwrap(try parse(svg).rootElement())
        XCTAssertEqual(elements(named: "rect", in: root).filter { $0.value(of: "class") == "cell" }.count, l * l)
        XCTAssertEqual(elements(named: "text", in: root).filter { $0.value(of: "class") == "value" }.count, 0)
        XCTAssertEqual(elements(named: "text", in: root).filter { $0.value(of: "class") == "row-label" }.count, l)
    }

    func testColorScaleEndsAndClamping() {
        XCTAssertEqual(CKAHeatmap.color(for: 0), SVGColor(red: 68, green: 1, blue: 84))
        XCTAssertEqual(CKAHeatmap.color(for: 1), SVGColor(red: 253, green: 231, blue: 37))
        XCTAssertEqual(CKAHeatmap.color(for: -0.2), CKAHeatmap.color(for: 0))
        XCTAssertEqual(CKAHeatmap.color(for: 1.3), CKAHeatmap.color(for: 1))
        XCTAssertGreaterThan(CKAHeatmap.color(for: 0.8).luminance, CKAHeatmap.color(for: 0.3).luminance)
    }

    func testInvalidInputIsAnError() {
        XCTAssertThrowsError(try CKAHeatmap(matrix: [[1, 0], [0]], labels: ["a", "b"], title: "t"))
        XCTAssertThrowsError(try CKAHeatmap(matrix: [[1]], labels: ["a", "b"], title: "t")) {
            XCTAssertEqual("\($0)", "cannot plot the matrix: 2 labels for 1 layers")
        }
    }

    func testSVGBuilderEscapesAndFormats() throws {
        XCTAssertEqual(SVGDocument.escape(#"a<b & "c" 'd'>"#), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;")
        XCTAssertEqual(SVGDocument.number(3), "3")
        XCTAssertEqual(SVGDocument.number(2.5), "2.5")
        XCTAssertEqual(SVGDocument.number(1.23456), "1.23")
        var doc = SVGDocument(width: 100, height: 50)
        doc.polyline([(0, 0), (10, 20.5)], stroke: "red")
        doc.circle(cx: 5, cy: 5, radius: 2, fill: "blue", tooltip: "p<1>")
        doc.element("path", ["d": "M0 0 L1 1", "data-label": "x&y"])
        let root = try XCTUnwrap(try parse(doc.render()).rootElement())
        XCTAssertEqual(root.children?.count, 3)
        let path = try XCTUnwrap(elements(named: "path", in: root).first)
        XCTAssertEqual(path.value(of: "data-label"), "x&y")
        XCTAssertEqual(elements(named: "circle", in: root).first?.stringValue, "p<1>")
    }
}

final class CKAHeatmapLabelTests: XCTestCase {
    func testNATSTapLabels() {
        let labels = CKAHeatmap.natsTapLabels(cellsPerStage: 5)
        XCTAssertEqual(labels.count, 18)
        XCTAssertEqual(Array(labels.prefix(7)), ["stem", "cell 0", "cell 1", "cell 2", "cell 3", "cell 4", "reduction 1"])
        XCTAssertEqual(labels[12], "reduction 2")
        XCTAssertEqual(labels.last, "cell 14")
    }
}
