import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Configuration
@testable import Reports
@testable import RunModel
@testable import Search

final class ReportPageTests: XCTestCase {
    private func read(_ folder: URL, _ file: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
    }

    private func parseHTML(_ html: String) throws -> XMLElement {
        try XCTUnwrap(try XMLDocument(data: Data(html.utf8), options: []).rootElement())
    }

    func testReportOfASmallRunWritesEveryFileWithTheKeyFacts() throws {
        let run = try ReportFixtures.drivenRun(at: ReportFixtures.temporaryFolder("page"),
                                               config: ReportFixtures.config(evaluations: 10))
        let report = try RunReport.load(run, topK: 5)
        let folder = run.url.appendingPathComponent("report")
        try report.write(to: folder)
        let svgs = ["progress-evaluations.svg", "progress-time.svg", "timeline.svg", "accuracy-vs-msrs.svg",
                    "accuracy-vs-params.svg", "accuracy-vs-flops.svg", "learning-curves.svg", "best-cka.svg",
                    "best-cell.svg", "operations.svg"]
        for file in svgs {
            let svg = try ParsedSVG(try read(folder, file))
            XCTAssertEqual(svg.root.name, "svg", file)
            XCTAssertFalse(svg.all("text").isEmpty, file)
        }
        let best = try XCTUnwrap(report.best)
        let html = try read(folder, "index.html")
        let root = try parseHTML(html)
        XCTAssertEqual(elements(named: "svg", in: root).count, svgs.count, "every plot inline")
        XCTAssertEqual(html.components(separatedBy: "<script").count - 1, 2, "the table's data and its inline script")
        let external = html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
        XCTAssertFalse(external.contains("http") || external.contains("src="), "no network references")
        XCTAssertTrue(html.contains(best.arch))
        XCTAssertTrue(html.contains(best.canonical))
        let table = try XCTUnwrap(elements(named: "table", in: root).first { $0.value(of: "class") == "top" })
        let rows = elements(named: "tr", in: table)
        XCTAssertEqual(rows.count, 1 + 5, "header + top 5")
        XCTAssertEqual(rows.filter { $0.value(of: "class") == "answer" }.count, 1)
        // The table is in fitness order: the first row is the answer.
        let firstRow = elements(named: "td", in: rows[1]).compactMap(\.stringValue)
        XCTAssertEqual(firstRow[1], "\(best.number)")
        XCTAssertEqual(firstRow[3], best.arch)
        let facts = elements(named: "th", in: root).compactMap(\.stringValue)
        for key in ["dataset", "network", "protocol", "search", "fitness", "budget", "seed", "MSRS (raw)",
                    "MSRS (normalised)", "params", "FLOPs", "test accuracy"] {
            XCTAssertTrue(facts.contains(key), key)
        }
        XCTAssertTrue(html.contains("10/10 evaluations, finished"), "status")

        let markdown = try read(folder, "summary.md")
        XCTAssertTrue(markdown.contains("| rank | # | index | architecture |"))
        let tableLines = markdown.split(separator: "\n").filter { $0.hasPrefix("| ") && $0.dropFirst(2).first?.isNumber == true }
        XCTAssertEqual(tableLines.count, 5, markdown)
        XCTAssertTrue(markdown.contains(best.arch.replacingOccurrences(of: "|", with: "\\|")))
        XCTAssertTrue(markdown.contains("10/10 evaluations, finished"))
    }

    func testMissingMSRSFileGivesANoteInsteadOfAHeatmap() throws {
        let run = try ReportFixtures.drivenRun(at: ReportFixtures.temporaryFolder("nomsrs"),
                                               config: ReportFixtures.config(evaluations: 6), writesMSRS: false)
        let report = try RunReport.load(run)
        let figures = report.figures()
        let heatmap = try XCTUnwrap(figures.first { $0.file == "best-cka.svg" })
        XCTAssertNil(heatmap.svg)
        XCTAssertTrue(heatmap.note?.contains("no msrs.json") == true)
        XCTAssertTrue(report.html(figures: figures).contains("no msrs.json"))
    }

    func testTornJournalTailIsSkippedAndNoted() throws {
        let run = try ReportFixtures.drivenRun(at: ReportFixtures.temporaryFolder("torn"),
                                               config: ReportFixtures.config(evaluations: 8))
        let handle = try FileHandle(forWritingTo: run.journal)
        handle.seekToEndOfFile(); handle.write(Data("{\"number\":8,\"arch\":\"|nor_co".utf8)); handle.closeFile()
        let report = try RunReport.load(run)
        XCTAssertEqual(report.snapshot.records.count, 8)
        XCTAssertTrue(report.snapshot.problems.contains { $0.contains("torn") })
        let folder = ReportFixtures.temporaryFolder("torn-out")
        try report.write(to: folder)
        let html = try read(folder, "index.html")
        _ = try parseHTML(html)
        XCTAssertTrue(html.contains("torn final line"))
    }

    func testDamageBeforeTheEndStillGivesAReport() throws {
        let run = try ReportFixtures.drivenRun(at: ReportFixtures.temporaryFolder("damaged"),
                                               config: ReportFixtures.config(evaluations: 6))
        var lines = try String(contentsOf: run.journal, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[2] = "garbage"
        try (lines.joined(separator: "\n") + "\n").write(to: run.journal, atomically: true, encoding: .utf8)
        try "search: [unclosed".write(to: run.config, atomically: true, encoding: .utf8)
        let report = try RunReport.load(run)
        XCTAssertEqual(report.snapshot.records.count, 5)
        XCTAssertTrue(report.snapshot.problems.contains { $0.contains("line(s) 3") }, "\(report.snapshot.problems)")
        let html = report.html(figures: report.figures())
        XCTAssertTrue(html.contains("config unavailable"))
        XCTAssertTrue(report.markdown().contains("config unavailable"))
        _ = try parseHTML(html)
    }

    func testARunStillGoingShowsItsLiveStatus() throws {
        var config = ReportFixtures.config(evaluations: 20)
        config.search.budget = BudgetConfig(evaluations: 7)
        let run = try ReportFixtures.drivenRun(at: ReportFixtures.temporaryFolder("running"), config: config)
        // As SearchMonitor writes it: snake_case keys, the budget raised to 20 on resume, a candidate in training.
        let status = SearchStatus(phase: .running, pid: 1, updatedAt: "2025-01-01T10:00:00Z", done: 7, total: 20,
                                  secondsUsed: 400, budgetSeconds: nil,
                                  running: .init(number: 7, arch: "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", index: 0,
                                                 progress: nil), best: nil, etaSeconds: 900)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try encoder.encode(status).write(to: run.status)
        // A status left "running" with no process holding the run is a stopped run.
        XCTAssertEqual(try RunReport.load(run).snapshot.phase, .stopped)
        let lock = try RunLock(run)
        let report = try RunReport.load(run)
        XCTAssertEqual(report.snapshot.phase, .running)
        XCTAssertTrue(report.statusText.hasPrefix("7/20 evaluations, running (status updated 2025-01-01T10:00:00Z)"),
                      report.statusText)
        withExtendedLifetime(lock) {}
        try "{not json".write(to: run.status, atomically: true, encoding: .utf8)
        let damaged = try RunReport.load(run)
        XCTAssertTrue(damaged.statusText.hasPrefix("7/7 evaluations, finished"), damaged.statusText)
        XCTAssertTrue(damaged.snapshot.problems.contains { $0.hasPrefix("status.json unreadable") })
    }

    func testEmptyRunSaysSoWithoutPlots() throws {
        let url = ReportFixtures.temporaryFolder("empty")
        let run = RunDirectory(url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try ReportFixtures.config(evaluations: 50).resolvedYAML().write(to: run.config, atomically: true, encoding: .utf8)
        let report = try RunReport.load(run)
        XCTAssertNil(report.best)
        let folder = url.appendingPathComponent("report")
        let written = try report.write(to: folder)
        XCTAssertEqual(written.map(\.lastPathComponent), ["index.html", "summary.md"])
        let html = try read(folder, "index.html")
        _ = try parseHTML(html)
        XCTAssertTrue(html.contains("No evaluations yet"))
        XCTAssertTrue(html.contains("0/50 evaluations, not started"))
        XCTAssertTrue(try read(folder, "summary.md").contains("No evaluations yet"))
        // `status` (strict) and `report` (lenient) read the same phase from the one reader.
        XCTAssertEqual(try RunSnapshot.load(run, .strict).phase, .notStarted)
        XCTAssertTrue(StatusReport(try RunSnapshot.load(run, .strict)).text().contains("not started"))
    }

    func testStrictLoadRefusesWhatLenientLoadReports() throws {
        let run = try ReportFixtures.drivenRun(at: ReportFixtures.temporaryFolder("strict"),
                                               config: ReportFixtures.config(evaluations: 6))
        var lines = try String(contentsOf: run.journal, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[2] = "{damaged"
        try (lines.joined(separator: "\n") + "\n").write(to: run.journal, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RunSnapshot.load(run, .strict))
        let lenient = try RunSnapshot.load(run, .lenient)
        XCTAssertEqual(lenient.records.count, 5)
        XCTAssertTrue(lenient.problems.contains { $0.hasPrefix("journal damaged") }, "\(lenient.problems)")
    }

    func testANonRunDirectoryIsRefused() throws {
        let url = ReportFixtures.temporaryFolder("notrun")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        XCTAssertThrowsError(try RunReport.load(RunDirectory(url))) { error in
            XCTAssertEqual(error as? SearchError, .notARun(url.standardizedFileURL.path))
        }
        XCTAssertThrowsError(try RunReport.load(RunDirectory(url.appendingPathComponent("missing"))))
    }

    /// 10,000 candidates: one marker each, and files that stay a few MB at most.
    func testTenThousandCandidatesStayReadableAndSmall() throws {
        let keep = ProcessInfo.processInfo.environment["REDNAS_REPORT_FIXTURES"]
        let base = keep.map { URL(fileURLWithPath: $0) } ?? ReportFixtures.temporaryFolder("large")
        let run = try ReportFixtures.largeRun(at: base.appendingPathComponent("large-run"),
                                              config: ReportFixtures.config(evaluations: 10_000))
        if keep != nil {
            _ = try ReportFixtures.drivenRun(at: base.appendingPathComponent("small-run-\(UUID())"),
                                             config: ReportFixtures.config(evaluations: 10))
        }
        let report = try RunReport.load(run)
        XCTAssertEqual(report.snapshot.records.count, 10_000)
        let folder = run.url.appendingPathComponent("report")
        try report.write(to: folder)
        let scatter = try read(folder, "accuracy-vs-msrs.svg")
        XCTAssertLessThan(scatter.utf8.count, 3_000_000)
        // Every candidate is drawn: circles (diverged, undefined MSRS) plus the one path of the others.
        let markers = try ParsedSVG(scatter).classed("candidate")
        let drawn = markers.map { $0.value(of: "data-count").flatMap { Int($0) } ?? 1 }.reduce(0, +)
        XCTAssertEqual(drawn, 10_000)
        XCTAssertLessThan(scatter.utf8.count, 400_000, "10,000 markers as one path, not 10,000 elements")
        for file in ["progress-evaluations.svg", "progress-time.svg", "operations.svg", "timeline.svg",
                     "accuracy-vs-params.svg", "accuracy-vs-flops.svg"] {
            XCTAssertLessThan(try read(folder, file).utf8.count, 150_000, file)
        }
        let html = try read(folder, "index.html")
        XCTAssertLessThan(html.utf8.count, 4_000_000)
        XCTAssertEqual(report.tableRows.count, 10)
        // The candidate table holds every candidate as data but renders one page of rows.
        let root = try parseHTML(html)
        let body = try XCTUnwrap(elements(named: "tbody", in: root).first { $0.value(of: "id") == "cand-body" })
        XCTAssertEqual(elements(named: "tr", in: body).count, CandidateTable.pageSize)
        let data = try XCTUnwrap(elements(named: "script", in: root).first { $0.value(of: "id") == "candidate-data" })
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data((data.stringValue ?? "").utf8)) as? [[Any]])
        XCTAssertEqual(rows.count, 10_000)
        // Details pages for the default top 100 only: the report stays a bounded size.
        let pages = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("pages").path)
        XCTAssertEqual(pages.count, 100)
        let total = try FileManager.default.subpathsOfDirectory(atPath: folder.path).reduce(0) { sum, path in
            sum + ((try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(path).path)[.size] as? Int) ?? 0)
        }
        XCTAssertLessThan(total, 20_000_000, "whole report folder")
    }
}
