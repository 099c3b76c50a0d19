import CellSpace
import Evolution
import Foundation
import XCTest
@testable import Configuration
@testable import Reports
@testable import RunModel
@testable import Search
import TestSupport

/// The report of a multi-fidelity run: candidates (not rung records) in the table, the answer from
/// the top rung, and one curve per candidate ending where it stopped.
final class RungReportTests: XCTestCase {
    private func run() throws -> RunDirectory {
        var c = ReportFixtures.config(population: 6, evaluations: 1)
        c.training.epochs = 9
        c.search.budget = BudgetConfig(evaluations: nil, epochs: 80)
        c.search.scheduler = SchedulerConfig(kind: .successiveHalving, minEpochs: 1, eta: 3)
        let url = ReportFixtures.temporaryFolder("rung-report")
        let run = RunDirectory(url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try c.resolvedYAML().write(to: run.config, atomically: true, encoding: .utf8)
        var settings = ReportFixtures.settings(c)
        settings.ladder = c.search.scheduler.ladder(maxEpochs: 9)
        try SearchDriver(store: run, settings: settings, evaluator: ReportFixtureEvaluator()).run()
        return run
    }

    func testTheReportShowsCandidatesTheirRungsAndWhereTheyStopped() throws {
        let report = try RunReport.load(try run())
        let journal = report.snapshot.records
        let curves = journal.candidateCurves
        XCTAssertTrue(journal.contains(where: \.isPromotion))
        XCTAssertEqual(report.analysis.records.count, curves.count, "one row per candidate")
        XCTAssertEqual(report.analysis.journal, journal)

        // The answer: the best penalised score among the candidates that reached 9 epochs.
        let top = curves.map { $0.last! }.filter { $0.metrics.epochs == 9 && $0.result.isUsable }
        XCTAssertFalse(top.isEmpty)
        let fitness = report.snapshot.fitness
        let best = try XCTUnwrap(report.best)
        XCTAssertEqual(best.metrics.epochs, 9)
        XCTAssertEqual(fitness.penalizedScore(best.result), top.map { fitness.penalizedScore($0.result) }.max())
        XCTAssertEqual(report.snapshot.best?.number, best.number)
        XCTAssertEqual(report.tableRows.first?[1], "\(best.candidateNumber)")
        XCTAssertTrue(report.tableRows.first?.last?.contains("9 ep (rung 2)") == true, "\(report.tableRows.first!)")
        XCTAssertEqual(report.analysis.bestAccuracySoFar.last?.value, best.metrics.validAccuracy)

        let figure = try XCTUnwrap(report.figures().first { $0.file == "rung-curves.svg" })
        let svg = try XCTUnwrap(figure.svg)
        let usable = curves.filter { $0.contains { $0.result.isUsable } }
        let count = { (s: String) in svg.components(separatedBy: s).count - 1 }
        XCTAssertEqual(count("class=\"completed\""), usable.filter { $0.last!.metrics.epochs == 9 }.count)
        XCTAssertEqual(count("class=\"stopped\""), usable.filter { $0.last!.metrics.epochs < 9 }.count)
        XCTAssertEqual(count("<polyline"), usable.filter { $0.filter(\.result.isUsable).count > 1 }.count)
        XCTAssertEqual(count("candidate-curve answer"), 1)
    }

    /// Fitness is compared only within a fidelity: the scatter, its Pareto front and the top-K
    /// table hold the candidates at the highest rung reached, never one stopped lower.
    func testTheScatterFrontAndTopTableCompareOnlyTheHighestFidelity() throws {
        let report = try RunReport.load(try run())
        let candidates = report.analysis.records
        let top = candidates.filter { $0.metrics.epochs == 9 }
        XCTAssertTrue(candidates.contains { $0.metrics.epochs < 9 && $0.result.isUsable }, "some stopped at lower rungs")
        XCTAssertEqual(candidates.highestFidelity, 9)

        let svg = try ParsedSVG(ParetoScatterPlot(analysis: report.analysis).svg())
        let shown = svg.classed("candidate").compactMap { $0.stringValue?.split(separator: " ").first.map(String.init) }
        XCTAssertEqual(Set(shown), Set(top.map { "#\($0.number)" }), "only the 9-epoch candidates are plotted")
        // The front, by its quadratic definition over the 9-epoch candidates with a defined MSRS.
        let eligible = top.filter { $0.result.isUsable && $0.result.normalizedMSRS != nil }
        let fronts = ParetoOracle.fronts(eligible.map { ParetoPoint(accuracy: $0.result.validAccuracy, msrs: $0.result.normalizedMSRS!) })
        XCTAssertEqual(svg.classed("front-point").count, fronts.filter { $0 == 0 }.count)
        let subtitle = try XCTUnwrap(svg.texts("subtitle").first)
        XCTAssertTrue(subtitle.hasPrefix("\(top.count) candidates at 9 epochs"), subtitle)
        XCTAssertTrue(subtitle.contains("\(candidates.count - top.count) stopped lower"), subtitle)

        // The top-K table: 9-epoch candidates only, by penalised score.
        let fitness = report.snapshot.fitness
        let expected = top.filter { $0.result.isUsable }.sorted { fitness.penalizedScore($0.result) > fitness.penalizedScore($1.result) }
            + top.filter { !$0.result.isUsable }
        XCTAssertEqual(report.tableRows.map { $0[1] }, expected.prefix(report.tableRows.count).map { "\($0.candidateNumber)" })
        XCTAssertTrue(report.markdown().contains("by fitness at 9 epochs (the highest rung reached)"))
    }
}
