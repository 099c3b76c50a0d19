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
    /// Set by `rednas serve`: the run's change stamp; the page then reloads when the served stamp differs.
    package var liveStamp: String?

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

    /// One figure: file name, caption, and the SVG (nil with a `note` when it cannot be drawn),
    /// under a page `section`.
    package struct Figure {
        package var file: String
        package var caption: String
        package var svg: String?
        package var note: String?
        package var section: String = "Plots"
    }

    /// The figures, in page order (and the rung curves of a multi-fidelity run). Empty runs give no
    /// figures (the page says so instead). `histories`: per-epoch metrics by candidate number
    /// (`RunSnapshot.epochHistories`).
    package func figures(histories: [Int: [EpochMetrics]] = [:]) -> [Figure] {
        guard !analysis.records.isEmpty else { return [] }
        let history = "History", cost = "Accuracy against redundancy and cost"
        var figures = [
            Figure(file: "progress-evaluations.svg", caption: "Best so far against evaluations, a dot per candidate",
                   svg: ProgressPlot(analysis: analysis, axis: .evaluations).svg(), section: history),
            Figure(file: "progress-time.svg", caption: "Best so far against wall time, a dot per candidate",
                   svg: ProgressPlot(analysis: analysis, axis: .wallTime).svg(), section: history),
            Figure(file: "timeline.svg", caption: "When each evaluation ran",
                   svg: TimelinePlot(records: analysis.records).svg(), section: history),
            Figure(file: "accuracy-vs-msrs.svg", caption: "Valid accuracy against normalised MSRS, with the Pareto front",
                   svg: ParetoScatterPlot(analysis: analysis).svg(), section: cost),
            Figure(file: CostScatterPlot.Cost.params.file, caption: "Valid accuracy against parameters",
                   svg: CostScatterPlot(analysis: analysis, cost: .params).svg(), section: cost),
            Figure(file: CostScatterPlot.Cost.flops.file, caption: "Valid accuracy against FLOPs",
                   svg: CostScatterPlot(analysis: analysis, cost: .flops).svg(), section: cost),
            learningCurvesFigure(histories),
            heatmapFigure(),
        ]
        if let best, let cell = try? best.cell() {
            figures.append(Figure(file: "best-cell.svg", caption: "The best cell",
                                  svg: CellDiagram(cell: cell, title: "Best cell: #\(best.candidateNumber), index \(best.index)").svg(),
                                  section: answerSection))
        } else {
            figures.append(Figure(file: "best-cell.svg", caption: "The best cell", svg: nil,
                                  note: "the best architecture string could not be read", section: answerSection))
        }
        if snapshot.records.contains(where: { $0.rung != nil }) {
            let top = snapshot.config?.training.epochs ?? snapshot.records.map(\.metrics.epochs).max() ?? 1
            figures.append(Figure(file: "rung-curves.svg", caption: "Each candidate's curve across rungs, and where it stopped",
                                  svg: RungCurvesPlot(curves: snapshot.records.candidateCurves, maxEpochs: top,
                                                      answer: best?.candidateNumber).svg(), section: history))
        }
        let window = snapshot.populationSize
        let name = snapshot.config?.search.algorithm == .random ? "last \(window) evaluations (sliding window)"
                                                                : "REA population (P = \(window))"
        figures.append(Figure(file: "operations.svg", caption: "Operation frequencies in the population",
                              svg: OperationSharesPlot(shares: OperationShares(records: analysis.records, window: window),
                                                       window: window, windowName: name).svg(), section: "Operations"))
        return figures
    }

    private var answerSection: String { "The answer" }

    private func learningCurvesFigure(_ histories: [Int: [EpochMetrics]]) -> Figure {
        var figure = Figure(file: "learning-curves.svg", caption: "Valid accuracy per epoch (metrics.json of each candidate)",
                            section: "Learning curves")
        // Trained candidates only: a reused result repeats its source's curve.
        let curves = analysis.records.filter { !$0.reused }.compactMap { r in
            histories[r.number].map { LearningCurvesPlot.Curve(number: r.number, epochs: $0) }
        }
        guard !curves.isEmpty else {
            figure.note = "no candidate folder holds a metrics.json with a per-epoch history"
            return figure
        }
        var top: [Int] = []
        for i in analysis.top(analysis.records.count) where top.count < 6 {
            let r = analysis.records[i], source = r.reusedFrom ?? r.number
            if !top.contains(source) { top.append(source) }
        }
        figure.svg = LearningCurvesPlot(curves: curves, highlighted: top, title: "Learning curves").svg()
        return figure
    }

    private func heatmapFigure() -> Figure {
        var figure = Figure(file: "best-cka.svg", caption: "Layer similarity (CKA) of the best candidate", section: answerSection)
        guard let best else { figure.note = "no usable candidate"; return figure }
        do {
            guard let result = try snapshot.msrsResult(of: best) else {
                figure.note = "no msrs.json in the best candidate's folder (\(folderName(best))), so no CKA matrix to show"
                return figure
            }
            var map = try CKAHeatmap(result: result, labels: tapLabels(layers: result.layers),
                                     title: "CKA between representations — #\(best.candidateNumber), index \(best.index)")
            map.threshold = result.parameters.threshold
            figure.svg = map.svg()
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

    /// Which candidates get a details page in `pages/`.
    package enum DetailPages: Equatable, Sendable {
        case all
        /// The first `n` by the run's ranking (the answer always among them).
        case top(Int)
    }

    /// Numbers of the candidates that get a page under `policy`.
    func pageNumbers(_ policy: DetailPages) -> Set<Int> {
        switch policy {
        case .all: return Set(analysis.records.map(\.number))
        case let .top(n): return Set(analysis.top(max(0, n)).map { analysis.records[$0].number })
        }
    }

    /// Writes the SVGs, `index.html`, `summary.md` and the details pages (`pages/*.html`, under
    /// `details`) into `folder` (created if needed). `linkAllPages` links every table row to its
    /// page whether written or not (`rednas serve` makes missing ones on request).
    /// Returns the written file URLs.
    @discardableResult
    package func write(to folder: URL, details: DetailPages = .top(100), linkAllPages: Bool = false) throws -> [URL] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let (histories, historyProblems) = snapshot.epochHistories()
        let figures = figures(histories: histories)
        var written: [URL] = []
        for figure in figures {
            guard let svg = figure.svg else { continue }
            let url = folder.appendingPathComponent(figure.file)
            try Data(svg.utf8).write(to: url, options: .atomic)
            written.append(url)
        }
        let pages = pageNumbers(details)
        let table = CandidateTable(analysis: analysis) { r in
            linkAllPages || pages.contains(r.number) ? "pages/" + CandidatePage.fileName(r, in: self) : nil
        }
        let html = folder.appendingPathComponent("index.html")
        try Data(self.html(figures: figures, table: table, notes: historyProblems, pageCount: pages.count).utf8)
            .write(to: html, options: .atomic)
        let markdown = folder.appendingPathComponent("summary.md")
        try Data(self.markdown().utf8).write(to: markdown, options: .atomic)
        let context = CandidatePage.Context(analysis: analysis)
        for (position, r) in analysis.records.enumerated() where pages.contains(r.number) {
            written.append(try writePage(position: position, history: histories[r.number], context: context, into: folder,
                                         linkAll: linkAllPages, pages: pages))
        }
        return written + [html, markdown]
    }

    /// Writes the details page of candidate `number` (reading its history from its folder);
    /// nil when the run has no such candidate. Used by `rednas serve` for pages made on request.
    package func writePage(number: Int, into folder: URL) throws -> URL? {
        guard let position = analysis.records.firstIndex(where: { $0.number == number }) else { return nil }
        let history = try? CandidateFile.read(from: snapshot.candidateFolder(analysis.records[position]))?.training.history
        return try writePage(position: position, history: history ?? nil, context: CandidatePage.Context(analysis: analysis),
                             into: folder, linkAll: true, pages: [])
    }

    private func writePage(position: Int, history: [EpochMetrics]?, context: CandidatePage.Context, into folder: URL,
                           linkAll: Bool, pages: Set<Int>) throws -> URL {
        let directory = folder.appendingPathComponent("pages")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let page = CandidatePage(report: self, context: context, position: position, history: history) { other in
            linkAll || pages.contains(other.number) ? CandidatePage.fileName(other, in: self) : nil
        }
        let url = directory.appendingPathComponent(CandidatePage.fileName(analysis.records[position], in: self))
        try Data(page.html().utf8).write(to: url, options: .atomic)
        return url
    }
}
