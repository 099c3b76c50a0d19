import CellSpace
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Redundancy
import XCTest
@testable import Configuration
@testable import Reports
@testable import RunModel
@testable import Search

/// The dashboard parts of the report on runs made by the real driver with the fixture evaluator
/// (which writes `metrics.json` with a known per-epoch history and `msrs.json`).
final class DashboardTests: XCTestCase {
    private func html(_ url: URL) throws -> XMLElement {
        let data = try Data(contentsOf: url)
        return try XCTUnwrap(try XMLDocument(data: data, options: []).rootElement(), url.path)
    }

    private func first(_ name: String, id: String, in root: XMLElement) throws -> XMLElement {
        try XCTUnwrap(elements(named: name, in: root).first { $0.value(of: "id") == id }, "\(name)#\(id)")
    }

    private func values(_ element: XMLElement) -> [String] {
        (element.value(of: "data-values") ?? "").split(separator: " ").map(String.init)
    }

    func testCandidateTableListsEveryCandidateWithLinksAndSortFilterControls() throws {
        let run = try ReportFixtures.drivenRun(at: ReportFixtures.temporaryFolder("dash-table"),
                                               config: ReportFixtures.config(evaluations: 12))
        let report = try RunReport.load(run)
        let folder = run.url.appendingPathComponent("report")
        try report.write(to: folder)
        let root = try html(folder.appendingPathComponent("index.html"))
        let table = try first("table", id: "cand-table", in: root)
        let headings = elements(named: "th", in: table)
        XCTAssertEqual(headings.compactMap { $0.value(of: "data-sort") },
                       ["rank", "number", "index", "arch", "valid", "test", "msrs", "ranking", "params", "flops",
                        "seconds", "parent", "note"])
        XCTAssertTrue(headings.allSatisfy { ["number", "text"].contains($0.value(of: "data-type") ?? "") })
        for id in ["cand-filter", "cand-min", "cand-usable"] { _ = try first("input", id: id, in: root) }

        // One row per candidate (12 < one page), in rank order, each linking to a page that exists.
        let rows = elements(named: "tr", in: try first("tbody", id: "cand-body", in: root))
        XCTAssertEqual(rows.count, 12)
        let ranking = report.analysis.top(12).map { report.analysis.records[$0] }
        for (row, record) in zip(rows, ranking) {
            let link = try XCTUnwrap(elements(named: "a", in: row).first?.value(of: "href"))
            XCTAssertEqual(link, "pages/" + run.candidate(number: record.number, index: record.index).lastPathComponent + ".html")
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(link).path), link)
            let cells = elements(named: "td", in: row).compactMap(\.stringValue)
            XCTAssertEqual(cells[1], "#\(record.number)")
            XCTAssertEqual(cells[3], record.arch)
            XCTAssertEqual(cells[4], String(format: "%.2f", record.metrics.validAccuracy))
        }
        // The script's data: the same candidates, same numbers, the page link last.
        let data = try first("script", id: "candidate-data", in: root)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data((data.stringValue ?? "").utf8)) as? [[Any]])
        XCTAssertEqual(json.map { $0[1] as? Int }, ranking.map(\.number))
        XCTAssertEqual(json.map { $0[3] as? String }, ranking.map(\.arch))
        for (row, record) in zip(json, ranking) {
            XCTAssertEqual(try XCTUnwrap(row[4] as? Double), record.metrics.validAccuracy, accuracy: 0.0005)
            XCTAssertEqual(row[8] as? Int, record.metrics.params)
            XCTAssertEqual(row[9] as? Int, record.metrics.flops)
            XCTAssertEqual(row[11] as? Int, record.parent)
        }
    }

    func testDetailsPageShowsTheCandidatesLearningCurveLineageCellAndThreshold() throws {
        var config = ReportFixtures.config(evaluations: 16)
        config.search.population = 4
        let run = try ReportFixtures.drivenRun(at: ReportFixtures.temporaryFolder("dash-page"), config: config)
        let report = try RunReport.load(run)
        let folder = run.url.appendingPathComponent("report")
        try report.write(to: folder, details: .all)
        let records = report.snapshot.records
        let child = try XCTUnwrap(records.last { $0.parent != nil && !$0.reused && $0.metrics.diverged == nil
            && $0.metrics.msrsNormalized != nil })
        let parent = try XCTUnwrap(records.first { $0.number == child.parent })
        let name = { (r: EvaluationRecord) in run.candidate(number: r.number, index: r.index).lastPathComponent + ".html" }
        let root = try html(folder.appendingPathComponent("pages").appendingPathComponent(name(child)))

        // Learning curve: exactly the per-epoch metrics in the candidate's metrics.json.
        let file = try XCTUnwrap(try CandidateFile.read(from: run.candidate(number: child.number, index: child.index)))
        let svg = ParsedSVG(root: try XCTUnwrap(elements(named: "svg", in: root).first))
        let valid = try XCTUnwrap(svg.classed("valid-curve", "polyline").first)
        XCTAssertEqual(values(valid), file.training.history.map { String(format: "%.4f", $0.validAccuracy!) })
        XCTAssertEqual(values(try XCTUnwrap(svg.classed("train-curve", "polyline").first)),
                       file.training.history.map { String(format: "%.4f", $0.trainAccuracy) })
        XCTAssertEqual(svg.classed("epoch-point", "circle").count, 2 * file.training.history.count)
        // Pixels: higher accuracy is higher on the page (smaller y), and epochs go left to right.
        let points = (valid.value(of: "points") ?? "").split(separator: " ").map { $0.split(separator: ",").map { Double($0)! } }
        XCTAssertEqual(points.map { $0[0] }, points.map { $0[0] }.sorted())
        XCTAssertEqual(points.map { $0[1] }, points.map { $0[1] }.sorted(by: >), "the fixture's history rises every epoch")
        let epochRows = try XCTUnwrap(elements(named: "table", in: root).first { $0.value(of: "class") == "epochs" })
        XCTAssertEqual(elements(named: "tr", in: epochRows).count, 1 + file.training.history.count)

        // Lineage: the parent is linked, with the edge the mutation changed.
        let lineage = try XCTUnwrap(elements(named: "ol", in: root).first { $0.value(of: "class") == "lineage" })
        XCTAssertTrue(elements(named: "a", in: lineage).contains { $0.value(of: "href") == name(parent) })
        let changed = Cell.edges.indices.filter { try! parent.cell()[edge: $0] != child.cell()[edge: $0] }
        XCTAssertEqual(changed.count, 1, "REA mutates one edge")
        let expected = "edge \(Cell.edges[changed[0]]): \(try parent.cell()[edge: changed[0]].rawValue) → "
            + "\(try child.cell()[edge: changed[0]].rawValue)"
        XCTAssertTrue((lineage.stringValue ?? "").contains(expected), lineage.stringValue ?? "")

        // Cell diagram: a legend entry for each operation the cell uses, none other.
        let cell = try child.cell()
        let diagram = try XCTUnwrap(elements(named: "svg", in: root).map { ParsedSVG(root: $0) }
            .first { !$0.classed("edge", "path").isEmpty })
        let used = Set(cell.operations.filter { $0 != .none }.map(\.rawValue))
        XCTAssertEqual(Set(diagram.texts("legend").filter { $0 != "none edges omitted" }), used)

        // CKA heatmap: τ on the colour bar, and an outline on exactly the off-diagonal cells ≥ τ.
        let msrs = try XCTUnwrap(try report.snapshot.msrsResult(of: child))
        let cka = try XCTUnwrap(msrs.cka)
        let heatmap = try XCTUnwrap(elements(named: "svg", in: root).map { ParsedSVG(root: $0) }
            .first { !$0.classed("cell", "rect").isEmpty })
        XCTAssertEqual(heatmap.classed("tau-mark").count, 1)
        let tau = msrs.parameters.threshold
        let above = cka.indices.flatMap { i in cka.indices.filter { j in i != j && cka[i][j] >= tau } }.count
        XCTAssertEqual(heatmap.classed("above-tau", "rect").count, above)
        XCTAssertTrue(above > 0, "the fixture has redundant pairs at τ = \(tau)")
    }

    func testLearningCurvesOfTheRunComeFromEachTrainedCandidate() throws {
        let run = try ReportFixtures.drivenRun(at: ReportFixtures.temporaryFolder("dash-curves"),
                                               config: ReportFixtures.config(evaluations: 10))
        let report = try RunReport.load(run)
        let histories = report.snapshot.epochHistories().histories
        let figure = try XCTUnwrap(report.figures(histories: histories).first { $0.file == "learning-curves.svg" })
        let svg = try ParsedSVG(try XCTUnwrap(figure.svg))
        let trained = report.snapshot.records.filter { !$0.reused }
        let curves = svg.classed("curve", "polyline").filter { !($0.value(of: "class") ?? "").contains("highlighted") }
        XCTAssertEqual(curves.count, trained.count)
        for curve in curves {
            let number = try XCTUnwrap(Int(curve.value(of: "data-number") ?? ""))
            let record = try XCTUnwrap(trained.first { $0.number == number })
            XCTAssertEqual(values(curve), ReportFixtures.history(record.metrics).history.map { String(format: "%.4f", $0.validAccuracy!) })
        }
        XCTAssertEqual(svg.classed("curve-band", "polygon").count, 1)
        XCTAssertEqual(svg.classed("curve-median", "polyline").count, 1)
        XCTAssertEqual(svg.classed("highlighted", "polyline").first?.value(of: "data-number"), report.best.map { "\($0.number)" })
    }

    func testCostPlotsAndTimelineDrawEveryCandidate() throws {
        let run = try ReportFixtures.drivenRun(at: ReportFixtures.temporaryFolder("dash-cost"),
                                               config: ReportFixtures.config(evaluations: 30))
        let analysis = try RunReport.load(run).analysis
        let usable = analysis.records.filter(\.result.isUsable)
        for cost in [CostScatterPlot.Cost.params, .flops] {
            let svg = try ParsedSVG(CostScatterPlot(analysis: analysis, cost: cost).svg())
            XCTAssertEqual(svg.classed("candidate", "circle").count, usable.count)
            XCTAssertEqual(svg.classed("best").count, 1)
            // The front: the points no cheaper-or-equal point beats, by its quadratic definition.
            let points = usable.map { (cost: Double(cost.value($0)), accuracy: $0.result.validAccuracy) }
            let oracle = points.filter { p in !points.contains { q in q.cost <= p.cost && q.accuracy >= p.accuracy
                && (q.cost < p.cost || q.accuracy > p.accuracy) } }
            let front = CostScatterPlot.front(points)
            XCTAssertEqual(Set(front.map { "\($0.cost)/\($0.accuracy)" }), Set(oracle.map { "\($0.cost)/\($0.accuracy)" }))
        }
        let timeline = try ParsedSVG(TimelinePlot(records: analysis.records).svg())
        let trained = analysis.records.filter { !$0.reused && $0.seconds > 0 }
        let segments = timeline.classed("timeline-trained", "path") + timeline.classed("timeline-diverged", "path")
        let drawn = segments.map { ($0.value(of: "d") ?? "").filter { $0 == "M" }.count }.reduce(0, +)
        XCTAssertEqual(drawn, trained.count, "one bar per trained evaluation (30 rows: none merged)")
    }

    func testTheCandidateInTrainingShowsItsEpochsSoFar() throws {
        let run = try ReportFixtures.drivenRun(at: ReportFixtures.temporaryFolder("dash-live"),
                                               config: ReportFixtures.config(evaluations: 4))
        let cell = try Cell(index: 1234)
        let folder = run.candidate(number: 4, index: cell.index)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let epochs = (1...3).map { e in
            EpochMetrics(epoch: e, learningRate: 0.1, trainLoss: 1.0 / Double(e), trainAccuracy: 40 + 10 * Double(e),
                         validLoss: 1.1 / Double(e), validAccuracy: 38 + 10 * Double(e), seconds: 3, imagesPerSecond: 100)
        }
        // Epoch 2 logged twice (a resume from its checkpoint): the later line wins; a torn last line is skipped.
        var log = Data()
        for epoch in [epochs[0], epochs[1], epochs[1], epochs[2]] { log += try CandidateFile.epochLogLine(epoch) }
        log += Data("{\"epoch\":4,\"lear".utf8)
        try log.write(to: folder.appendingPathComponent(CandidateFile.epochLogName))
        var snapshot = try RunSnapshot.load(run)
        let running = SearchStatus.Running(number: 4, arch: cell.architectureString, index: cell.index,
                                           progress: CandidateProgress(epoch: 3, epochs: 12, step: 5, steps: 47))
        snapshot.status = SearchStatus(phase: .running, pid: 1, updatedAt: "", done: 4, total: 4, secondsUsed: 0,
                                       budgetSeconds: nil, running: running, best: nil, etaSeconds: nil)
        snapshot.isRunning = true
        let html = RunReport(snapshot: snapshot).html(figures: [])
        XCTAssertTrue(html.contains("Training #4 (index 1234)") && html.contains("epoch 4 of 12"), html)
        let root = try XCTUnwrap(try XMLDocument(data: Data(html.utf8), options: []).rootElement())
        let figure = try first("figure", id: "running-curve", in: root)
        let svg = ParsedSVG(root: try XCTUnwrap(elements(named: "svg", in: figure).first))
        XCTAssertEqual(values(try XCTUnwrap(svg.classed("valid-curve", "polyline").first)),
                       epochs.map { String(format: "%.4f", $0.validAccuracy!) })

        snapshot.isRunning = false   // a stopped run has no candidate in training
        XCTAssertFalse(RunReport(snapshot: snapshot).html(figures: []).contains("running-curve"))
    }

    func testSeveralRunsOnOnePage() throws {
        let a = try ReportFixtures.drivenRun(at: ReportFixtures.temporaryFolder("dash-a"), config: ReportFixtures.config(evaluations: 6))
        var c = ReportFixtures.config(evaluations: 9)
        c.seed = 8
        let b = try ReportFixtures.drivenRun(at: ReportFixtures.temporaryFolder("dash-b"), config: c)
        let comparison = RunComparison(reports: [try RunReport.load(a), try RunReport.load(b)])
        let folder = ReportFixtures.temporaryFolder("dash-compare")
        try comparison.write(to: folder, details: .top(3))
        let root = try html(folder.appendingPathComponent("index.html"))
        let links = elements(named: "a", in: root).compactMap { $0.value(of: "href") }
        XCTAssertEqual(links, comparison.folders.map { "\($0)/index.html" })
        for link in links { XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(link).path)) }
        let svgs = elements(named: "svg", in: root).map { ParsedSVG(root: $0) }
        XCTAssertEqual(svgs.count, 3)
        XCTAssertEqual(svgs[0].all("polyline").count, 2, "a best-so-far line per run")
        XCTAssertEqual(svgs[2].classed("run-1", "circle").count,
                       try RunReport.load(a).analysis.records.filter { $0.result.isUsable && $0.result.normalizedMSRS != nil }.count)
    }
}
