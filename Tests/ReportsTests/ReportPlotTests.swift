import CellSpace
import Evolution
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Configuration
@testable import Reports
@testable import Search

/// Parses an SVG and offers the lookups the plot tests need.
struct ParsedSVG {
    let root: XMLElement

    init(root: XMLElement) { self.root = root }

    init(_ svg: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let document = try XMLDocument(data: Data(svg.utf8), options: [])
        root = try XCTUnwrap(document.rootElement(), file: file, line: line)
    }

    func all(_ name: String) -> [XMLElement] { elements(named: name, in: root) }

    /// Elements whose class list contains `cls`.
    func classed(_ cls: String, _ name: String? = nil) -> [XMLElement] {
        (name.map { all($0) } ?? allElements(root)).filter {
            ($0.value(of: "class") ?? "").split(separator: " ").contains(Substring(cls))
        }
    }

    func texts(_ cls: String) -> [String] { classed(cls, "text").compactMap(\.stringValue) }

    private func allElements(_ node: XMLNode) -> [XMLElement] {
        (node.children ?? []).flatMap { child -> [XMLElement] in
            ((child as? XMLElement).map { [$0] } ?? []) + allElements(child)
        }
    }
}

final class ReportPlotTests: XCTestCase {
    private func analysis(evaluations: Int = 40, fitness: FitnessConfig.Kind = .penalty) throws -> RunAnalysis {
        let run = try ReportFixtures.drivenRun(at: ReportFixtures.temporaryFolder("plots"),
                                               config: ReportFixtures.config(evaluations: evaluations, fitness: fitness))
        let snapshot = try RunSnapshot.load(run)
        return RunAnalysis(records: snapshot.records, fitness: snapshot.fitness)
    }

    func testScatterHasOneMarkerPerCandidateTheFrontAndTheAnswer() throws {
        let analysis = try analysis()
        let records = analysis.records
        XCTAssertTrue(records.contains { $0.metrics.diverged != nil }, "fixture covers diverged candidates")
        XCTAssertTrue(records.contains { $0.metrics.diverged == nil && $0.metrics.msrsNormalized == nil },
                      "fixture covers undefined MSRS")
        let svg = try ParsedSVG(ParetoScatterPlot(analysis: analysis).svg())
        XCTAssertEqual(svg.classed("candidate").count, records.count)
        XCTAssertEqual(svg.classed("diverged").count, records.filter { !$0.result.isUsable }.count)
        XCTAssertEqual(svg.classed("undefined", "circle").count,
                       records.filter { $0.result.isUsable && $0.result.normalizedMSRS == nil }.count)
        XCTAssertEqual(svg.texts("title"), ["Accuracy vs redundancy"])
        XCTAssertEqual(Set(svg.texts("axis-label")), ["normalised MSRS", "valid accuracy (%)"])
        XCTAssertEqual(svg.classed("pareto-front", "polyline").count, 1)
        XCTAssertEqual(svg.classed("front-point").count, RunAnalysis.paretoFront(records.map(\.result)).count)
        XCTAssertEqual(svg.classed("best").count, 1)
        XCTAssertTrue(svg.texts("legend").contains { $0.hasPrefix("Pareto front") })
        // The answer's star sits at the answer's marker.
        let answer = records[try XCTUnwrap(analysis.answer)]
        let star = try XCTUnwrap(svg.classed("best").first?.stringValue)
        XCTAssertTrue(star.contains("#\(answer.number) index \(answer.index)"), star)
        let marker = svg.classed("candidate", "circle").first { $0.stringValue?.hasPrefix("#\(answer.number) ") == true }
        XCTAssertNotNil(marker)
    }

    func testProgressPlotsHaveLabelsAndEndAtTheBest() throws {
        let analysis = try analysis()
        for axis in [ProgressPlot.Axis.evaluations, .wallTime] {
            let svg = try ParsedSVG(ProgressPlot(analysis: analysis, axis: axis).svg())
            let labels = svg.texts("axis-label")
            XCTAssertEqual(labels.first, axis == .evaluations ? "evaluations" : "wall time (min)")
            XCTAssertEqual(labels.last, "valid accuracy (%) / fitness (points)")
            XCTAssertEqual(svg.texts("title").count, 1)
            let accuracy = try XCTUnwrap(svg.classed("best-accuracy", "polyline").first?.value(of: "points"))
            XCTAssertEqual(svg.classed("best-fitness", "polyline").count, 1)
            XCTAssertEqual(Set(svg.texts("legend")), ["a candidate (valid accuracy)", "best valid accuracy",
                                                      "best fitness (acc − 10·MSRS)"])
            // A dot per usable candidate, at its own accuracy (one circle each at this size).
            XCTAssertEqual(svg.classed("candidate-dot", "circle").count, analysis.records.filter(\.result.isUsable).count)
            // The curve is non-increasing in pixel y (accuracy only goes up) and ends at the plot's right edge.
            let ys = accuracy.split(separator: " ").map { Double($0.split(separator: ",")[1])! }
            XCTAssertEqual(ys, ys.sorted(by: >))
        }
    }

    func testAccuracyFitnessDrawsOneCurve() throws {
        let svg = try ParsedSVG(ProgressPlot(analysis: try analysis(evaluations: 12, fitness: .accuracy), axis: .evaluations).svg())
        XCTAssertEqual(svg.classed("best-fitness").count, 0)
        XCTAssertEqual(svg.texts("axis-label").last, "valid accuracy (%)")
        XCTAssertTrue(svg.texts("note").contains("fitness = valid accuracy"))
    }

    func testCellDiagramDrawsEveryNonNoneEdgeWithItsLabel() throws {
        let cells = ["|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|skip_connect~2|",
                     "|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|",
                     "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|"]
        for string in cells {
            let cell = try Cell(architectureString: string)
            let svg = try ParsedSVG(CellDiagram(cell: cell, title: "cell").svg())
            let present = Cell.edges.indices.filter { cell[edge: $0] != .none }
            let edges = svg.classed("edge", "path")
            XCTAssertEqual(edges.count, present.count, string)
            XCTAssertEqual(svg.texts("edge-label").sorted(), present.map { cell[edge: $0].rawValue }.sorted())
            XCTAssertEqual(Set(edges.compactMap { $0.value(of: "data-edge") }),
                           Set(present.map { "\(Cell.edges[$0].target)<-\(Cell.edges[$0].source)" }))
            for edge in edges {
                let isSkip = edge.value(of: "class")!.contains("skip_connect")
                XCTAssertEqual(edge.value(of: "stroke-dasharray") != nil, isSkip, "skip edges alone are dashed")
            }
            XCTAssertEqual(svg.classed("node").count, 4)
            XCTAssertFalse(svg.texts("edge-label").contains("none"))
        }
    }

    func testOperationSharesPlotStacksToTheWholeAxis() throws {
        let analysis = try analysis(evaluations: 25)
        let shares = OperationShares(records: analysis.records, window: 10)
        let svg = try ParsedSVG(OperationSharesPlot(shares: shares, window: 10, windowName: "REA population (P = 10)").svg())
        let areas = svg.classed("op-area", "polygon")
        XCTAssertEqual(areas.count, CellOperation.allCases.count)
        XCTAssertEqual(Set(svg.texts("legend")), Set(CellOperation.allCases.map(\.rawValue)))
        XCTAssertEqual(Set(svg.texts("axis-label")), ["evaluations", "share of edges (%)"])
        // The top area's upper edge is the 100 % line everywhere.
        let top = try XCTUnwrap(areas.last?.value(of: "points"))
        let upper = top.split(separator: " ").prefix(analysis.records.count).map { Double($0.split(separator: ",")[1])! }
        XCTAssertEqual(Set(upper), [PlotFrame.top])

        // Bucketed: 25 evaluations in 5 columns of 5; the bottom area (none) is each bucket's mean share.
        var coarse = OperationSharesPlot(shares: shares, window: 10, windowName: "x")
        coarse.maxColumns = 5
        let bottom = try XCTUnwrap(try ParsedSVG(coarse.svg()).classed("op-none", "polygon").first?.value(of: "points"))
        let tops = bottom.split(separator: " ").prefix(5).map { Double($0.split(separator: ",")[1])! }
        let frame = PlotFrame(x: NiceTicks(low: 1, high: 25), y: NiceTicks(low: 0, high: 100))
        for b in 0..<5 {
            let mean = shares.shares[(5 * b)..<(5 * b + 5)].map { $0[0] }.reduce(0, +) / 5
            XCTAssertEqual(tops[b], frame.py(mean * 100), accuracy: 0.01)
        }
    }
}
