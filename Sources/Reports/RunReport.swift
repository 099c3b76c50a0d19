import CellSpace
import Foundation
import Redundancy
import RunModel
import Search

/// The report of a search run (`rednas report`): SVG plots, a self-contained `index.html` and a
/// `summary.md`, made from the run directory alone — also while the search is going or when parts
/// of the run are missing or damaged (what could not be shown is said on the page).
package struct RunReport {
    package let snapshot: RunSnapshot
    package let analysis: RunAnalysis
    /// Rows of the top-K table.
    package let topK: Int

    package init(snapshot: RunSnapshot, topK: Int = 10) {
        self.snapshot = snapshot
        self.analysis = RunAnalysis(records: snapshot.candidates, fitness: snapshot.fitness, journal: snapshot.records)
        self.topK = max(1, topK)
    }

    /// Reads `run` and prepares its report. Throws only when `run` is not a run directory.
    package static func load(_ run: RunDirectory, topK: Int = 10) throws -> RunReport {
        RunReport(snapshot: try RunSnapshot.load(run), topK: topK)
    }

    /// The search's answer, if any evaluation finished.
    package var best: EvaluationRecord? { analysis.answer.map { analysis.records[$0] } }

    /// One figure: file name, caption, and the SVG (nil with a `note` when it cannot be drawn).
    package struct Figure {
        package var file: String
        package var caption: String
        package var svg: String?
        package var note: String?
    }

    /// The figures, in page order (six, and the rung curves of a multi-fidelity run). Empty runs give no figures (the page says so instead).
    package func figures() -> [Figure] {
        guard !analysis.records.isEmpty else { return [] }
        var figures = [
            Figure(file: "progress-evaluations.svg", caption: "Best so far against evaluations",
                   svg: ProgressPlot(analysis: analysis, axis: .evaluations).svg()),
            Figure(file: "progress-time.svg", caption: "Best so far against wall time",
                   svg: ProgressPlot(analysis: analysis, axis: .wallTime).svg()),
            Figure(file: "accuracy-vs-msrs.svg", caption: "Valid accuracy against normalised MSRS, with the Pareto front",
                   svg: ParetoScatterPlot(analysis: analysis).svg()),
            heatmapFigure(),
        ]
        if let best, let cell = try? best.cell() {
            figures.append(Figure(file: "best-cell.svg", caption: "The best cell",
                                  svg: CellDiagram(cell: cell, title: "Best cell: #\(best.candidateNumber), index \(best.index)").svg()))
        } else {
            figures.append(Figure(file: "best-cell.svg", caption: "The best cell", svg: nil,
                                  note: "the best architecture string could not be read"))
        }
        if snapshot.records.contains(where: { $0.rung != nil }) {
            let top = snapshot.config?.training.epochs ?? snapshot.records.map(\.metrics.epochs).max() ?? 1
            figures.append(Figure(file: "rung-curves.svg", caption: "Each candidate's curve across rungs, and where it stopped",
                                  svg: RungCurvesPlot(curves: snapshot.records.candidateCurves, maxEpochs: top,
                                                      answer: best?.candidateNumber).svg()))
        }
        let window = snapshot.populationSize
        let name = snapshot.config?.search.algorithm == .random ? "last \(window) evaluations (sliding window)"
                                                                : "REA population (P = \(window))"
        figures.append(Figure(file: "operations.svg", caption: "Operation frequencies in the population",
                              svg: OperationSharesPlot(shares: OperationShares(records: analysis.records, window: window),
                                                       window: window, windowName: name).svg()))
        return figures
    }

    private func heatmapFigure() -> Figure {
        var figure = Figure(file: "best-cka.svg", caption: "Layer similarity (CKA) of the best candidate")
        guard let best else { figure.note = "no usable candidate"; return figure }
        do {
            guard let result = try snapshot.msrsResult(of: best) else {
                figure.note = "no msrs.json in the best candidate's folder (\(folderName(best))), so no CKA matrix to show"
                return figure
            }
            figure.svg = try CKAHeatmap(result: result, labels: tapLabels(layers: result.layers),
                                        title: "CKA between representations — #\(best.candidateNumber), index \(best.index)").svg()
        } catch {
            figure.note = "CKA heatmap unavailable: \(error)"
        }
        return figure
    }

    private func folderName(_ r: EvaluationRecord) -> String {
        snapshot.directory.candidate(number: r.number, index: r.index).lastPathComponent
    }

    /// NATS tap labels when the network's stages have equal cell counts matching L; else "IR 0" ….
    func tapLabels(layers: Int) -> [String] {
        if let stages = snapshot.config?.network.stageCells, Set(stages).count == 1, 3 * stages[0] + 3 == layers {
            return CKAHeatmap.natsTapLabels(cellsPerStage: stages[0])
        }
        if layers % 3 == 0, layers >= 6, snapshot.config == nil {
            return CKAHeatmap.natsTapLabels(cellsPerStage: layers / 3 - 1)
        }
        return (0..<layers).map { "IR \($0)" }
    }

    /// Writes the SVGs, `index.html` and `summary.md` into `folder` (created if needed).
    /// Returns the written file URLs.
    @discardableResult
    package func write(to folder: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let figures = figures()
        var written: [URL] = []
        for figure in figures {
            guard let svg = figure.svg else { continue }
            let url = folder.appendingPathComponent(figure.file)
            try Data(svg.utf8).write(to: url, options: .atomic)
            written.append(url)
        }
        let html = folder.appendingPathComponent("index.html")
        try Data(self.html(figures: figures).utf8).write(to: html, options: .atomic)
        let markdown = folder.appendingPathComponent("summary.md")
        try Data(self.markdown().utf8).write(to: markdown, options: .atomic)
        return written + [html, markdown]
    }
}
