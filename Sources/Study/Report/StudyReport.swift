import Foundation
import Persistence
import Reports

/// A study's report files: `study.json` (every number), `summary.md`, `index.html` and `plots/*.svg`,
/// written atomically into the study directory.
package struct StudyReport {
    package let results: StudyResults

    package init(results: StudyResults) { self.results = results }

    /// One figure: file name under `plots/`, caption and SVG.
    package struct Figure {
        package var file: String
        package var caption: String
        package var svg: String
    }

    package func figures() -> [Figure] {
        let minutes = (results.arms.flatMap { $0.anytime.accuracyBySeconds.x }.max() ?? 0) > 120
        let scale = minutes ? 60.0 : 1, unit = minutes ? "min" : "s"
        return [
            Figure(file: "final-accuracy-vs-msrs.svg", caption: "Final answers: test accuracy against MSRS",
                   svg: StudyPlots.finalScatter(results)),
            Figure(file: "final-test-accuracy.svg", caption: "Final test accuracy by arm",
                   svg: StudyPlots.intervals(results, metric: .testAccuracy)),
            Figure(file: "final-msrs.svg", caption: "Final MSRS by arm", svg: StudyPlots.intervals(results, metric: .msrs)),
            Figure(file: "anytime-accuracy-evaluations.svg", caption: "Anytime: valid accuracy of the answer so far",
                   svg: StudyPlots.anytime(results, title: "Answer so far: valid accuracy", xLabel: "evaluations",
                                           yLabel: "valid accuracy (%)") { $0.accuracyByEvaluations }),
            Figure(file: "anytime-msrs-evaluations.svg", caption: "Anytime: MSRS of the answer so far",
                   svg: StudyPlots.anytime(results, title: "Answer so far: MSRS", xLabel: "evaluations",
                                           yLabel: "normalised MSRS (valid split)") { $0.msrsByEvaluations }),
            Figure(file: "anytime-accuracy-seconds.svg", caption: "Anytime: valid accuracy against compute time",
                   svg: StudyPlots.anytime(results, title: "Answer so far: valid accuracy", xLabel: "evaluation time (\(unit))",
                                           yLabel: "valid accuracy (%)", xScale: scale) { $0.accuracyBySeconds }),
            Figure(file: "anytime-msrs-seconds.svg", caption: "Anytime: MSRS against compute time",
                   svg: StudyPlots.anytime(results, title: "Answer so far: MSRS", xLabel: "evaluation time (\(unit))",
                                           yLabel: "normalised MSRS (valid split)", xScale: scale) { $0.msrsBySeconds }),
        ]
    }

    /// Writes every file into `directory`.
    package func write(to directory: StudyDirectory) throws {
        try FileManager.default.createDirectory(at: directory.plots, withIntermediateDirectories: true)
        let figures = figures()
        for figure in figures { try AtomicFile.write(figure.svg, to: directory.plots.appendingPathComponent(figure.file)) }
        try AtomicFile.write(try json(), to: directory.url.appendingPathComponent("study.json"))
        try AtomicFile.write(markdown(figures: figures), to: directory.url.appendingPathComponent("summary.md"))
        try AtomicFile.write(html(figures: figures), to: directory.url.appendingPathComponent("index.html"))
    }

    package func json() throws -> String {
        String(decoding: try JSONStyle.document(results, nonFiniteAsStrings: true), as: UTF8.self) + "\n"
    }
}
