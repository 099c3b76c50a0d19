import Foundation
import Persistence
import RunModel
import Search
import XCTest
@testable import Study

/// The study driver with fake training: every search runs, answers are re-trained, a stop at any
/// point resumes to the same study, and a failing arm is reported while the others go on.
final class StudyDriverTests: XCTestCase {
    private var workspace: StudyWorkspace!

    override func setUpWithError() throws { workspace = try StudyWorkspace() }
    override func tearDown() { workspace.remove() }

    private func driver(_ study: LoadedStudy, _ directory: StudyDirectory, stopAfter: Int? = nil,
                        workers: Int = 1, counter: FakeTrainer.Counter = .init()) -> (StudyDriver, StopSignal) {
        let stop = StopSignal()
        let launcher = InProcessLauncher(makeEvaluator: { _ in FakeTrainer(counter: counter, stopAfter: stopAfter) },
                                         makeFinalEvaluator: { FakeTrainer(counter: counter, stopAfter: stopAfter) })
        let driver = StudyDriver(study: study, directory: directory, launcher: launcher, workers: workers, cores: 2, stop: stop)
        return (driver, stop)
    }

    /// Everything of the results that does not depend on the clock.
    private func comparable(_ r: StudyResults) -> String {
        var lines: [String] = []
        for arm in r.arms {
            lines.append("\(arm.name) pareto \(arm.paretoFraction ?? -1) summary \(arm.summary.sorted { $0.key < $1.key })")
            lines.append("comparison \(arm.comparison.sorted { $0.key < $1.key })")
            lines.append("anytime \(arm.anytime.accuracyByEvaluations) \(arm.anytime.msrsByEvaluations)")
            for run in arm.runs {
                lines.append("\(run.seed) \(run.phase) \(run.evaluations) \(run.answerIndex ?? -1) \(run.searchValidAccuracy ?? -1) "
                             + "\(run.final?.sorted { $0.key < $1.key } ?? []) \(run.paretoOptimal.map(String.init) ?? "-")")
            }
        }
        return lines.joined(separator: "\n")
    }

    func testAStudyRunsEverySearchAndScoresEveryAnswer() throws {
        let study = try LoadedStudy.load(contentsOfFile: try workspace.twoArmStudy())
        let directory = workspace.directory
        XCTAssertEqual(try driver(study, directory, workers: 2).0.run(), .finished)
        let results = try StudyAnalysis.analyse(directory)
        XCTAssertEqual(results.reference, "plain")
        XCTAssertEqual(results.arms.map(\.name), ["plain", "penalty"])
        for arm in results.arms {
            XCTAssertEqual(arm.runs.map(\.phase), ["finished", "finished", "finished"])
            XCTAssertEqual(arm.runs.map(\.evaluations), [6, 6, 6])
            XCTAssertEqual(arm.runs.map(\.finalSeedsDone), [2, 2, 2])
        }
        // The final scores are the fake trainer's, averaged over the two final seeds (0 and 1).
        let run = results.arms[0].runs[0]
        let snapshot = try RunSnapshot.load(directory.run(arm: "plain", seed: 1), .strict)
        let best = try XCTUnwrap(snapshot.best)
        XCTAssertEqual(run.answerIndex, best.index)
        let cell = try best.cell()
        let score = cell.operations.map { [.conv3x3: 6.0, .conv1x1: 4, .skipConnect: 2, .avgPool3x3: 1][$0] ?? 0 }.reduce(0, +)
        XCTAssertEqual(try XCTUnwrap(run.final?["test_accuracy"]), 49 + score + (0 + 1.0 / 997) / 2 / 2, accuracy: 1e-9)
        // Mean of the arm's final test accuracy and its interval.
        let values = results.arms[0].runs.compactMap { $0.final?["test_accuracy"] }
        let summary = try XCTUnwrap(results.arms[0].summary["test_accuracy"])
        XCTAssertEqual(summary.mean, values.reduce(0, +) / 3, accuracy: 1e-12)
        XCTAssertLessThanOrEqual(summary.lower, summary.mean)
        XCTAssertGreaterThanOrEqual(summary.upper, summary.mean)
        XCTAssertNil(results.arms[0].comparison["test_accuracy"], "the reference is not tested against itself")
        let comparison = try XCTUnwrap(results.arms[1].comparison["msrs"])
        XCTAssertEqual(comparison.wilcoxon?.sizes.last, 3, "paired by seed")
        // Anytime curves end at the answer's valid accuracy, averaged over seeds.
        let answers = results.arms[0].runs.compactMap(\.searchValidAccuracy)
        XCTAssertEqual(results.arms[0].anytime.accuracyByEvaluations.mean.last!!, answers.reduce(0, +) / 3, accuracy: 1e-9)
        // The report files.
        try StudyReport(results: results).write(to: directory)
        let summaryText = try String(contentsOf: directory.url.appendingPathComponent("summary.md"), encoding: .utf8)
        XCTAssertTrue(summaryText.contains("| plain | 3/3 |"), summaryText)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.plots.appendingPathComponent("final-accuracy-vs-msrs.svg").path))
        let json = try Data(contentsOf: directory.url.appendingPathComponent("study.json"))
        XCTAssertEqual(try JSONStyle.decoder().decode(StudyResults.self, from: json).arms[1].runs.count, 3)
        // Running again does nothing more and leaves the same study.
        XCTAssertEqual(try driver(study, directory).0.run(), .finished)
        XCTAssertEqual(comparable(try StudyAnalysis.analyse(directory)), comparable(results))
    }

    /// Stops after k evaluations (search or final) and continues with a fresh driver, for several k:
    /// the study ends the same as one never stopped.
    func testStoppedAnywhereTheStudyResumesToTheSameResults() throws {
        let studyFile = try workspace.twoArmStudy()
        let study = try LoadedStudy.load(contentsOfFile: studyFile)
        let counter = FakeTrainer.Counter()
        XCTAssertEqual(try driver(study, workspace.directory, counter: counter).0.run(), .finished)
        let reference = comparable(try StudyAnalysis.analyse(workspace.directory))
        let total = counter.next() - 1  // evaluations the whole study trained (searches and finals)
        XCTAssertGreaterThan(total, 20)
        for k in [0, 4, 7, total / 2, total - 3, total - 1] {
            let directory = StudyDirectory(workspace.url.appendingPathComponent("stopped-\(k)"))
            XCTAssertEqual(try driver(study, directory, stopAfter: k).0.run(), .interrupted, "k = \(k)")
            XCTAssertEqual(try driver(study, directory).0.run(), .finished, "k = \(k)")
            XCTAssertEqual(comparable(try StudyAnalysis.analyse(directory)), reference, "k = \(k)")
        }
    }

    func testAFailingArmIsReportedWithItsReasonAndTheOthersGoOn() throws {
        let study = try LoadedStudy.load(contentsOfFile: try workspace.twoArmStudy(extraArm: """
              - name: broken
                set: [search.space=/nonexistent/space.yaml]

            """))
        let directory = workspace.directory
        XCTAssertEqual(try driver(study, directory).0.run(), .finished)
        let failures = directory.loadFailures()
        XCTAssertEqual(failures.keys.sorted(), ["broken/seed-1", "broken/seed-2", "broken/seed-3"])
        XCTAssertTrue(failures["broken/seed-1"]!.contains("/nonexistent/space.yaml"), failures["broken/seed-1"]!)
        let results = try StudyAnalysis.analyse(directory)
        XCTAssertEqual(results.arms[2].runs.map(\.phase), ["failed", "failed", "failed"])
        XCTAssertEqual(results.arms[0].runs.compactMap(\.final).count, 3, "the other arms are scored")
        XCTAssertNil(results.arms[2].summary["test_accuracy"])
        let status = try StudyStatus.load(directory).text()
        XCTAssertTrue(status.contains("broken/seed-2") && status.contains("FAILED"), status)
        let markdown = StudyReport(results: results).markdown(figures: [])
        XCTAssertTrue(markdown.contains("## Failed searches") && markdown.contains("/nonexistent/space.yaml"), markdown)
    }

    func testAChangedStudyFileIsRefusedForAnExistingDirectory() throws {
        let study = try LoadedStudy.load(contentsOfFile: try workspace.twoArmStudy())
        XCTAssertEqual(try driver(study, workspace.directory, stopAfter: 2).0.run(), .interrupted)
        var changed = study
        changed.config.seeds = [1, 2]
        XCTAssertThrowsError(try driver(changed, workspace.directory).0.run()) { error in
            XCTAssertTrue("\(error)".contains("seeds [1, 2, 3] → [1, 2]"), "\(error)")
        }
    }
}
