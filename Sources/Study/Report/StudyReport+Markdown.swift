import Foundation
import Statistics

extension StudyReport {
    /// "91.23 [90.80, 91.70]" (precision by metric); "–" when nothing was scored.
    static func interval(_ s: BootstrapInterval?, _ metric: StudyResults.Metric) -> String {
        guard let s else { return "–" }
        switch metric {
        case .testAccuracy: return String(format: "%.2f [%.2f, %.2f]", s.mean, s.lower, s.upper)
        case .msrs: return String(format: "%.3f [%.3f, %.3f]", s.mean, s.lower, s.upper)
        case .params: return String(format: "%.0f [%.0f, %.0f]", s.mean, s.lower, s.upper)
        case .flops: return String(format: "%.2fM [%.2f, %.2f]", s.mean / 1e6, s.lower / 1e6, s.upper / 1e6)
        }
    }

    /// "−0.41 (p 0.31, r −0.36)" of a comparison: the mean paired difference, the Wilcoxon p-value
    /// and effect size (Mann–Whitney when no pairs); "reference" for the reference arm.
    static func comparison(_ c: StudyResults.Comparison?, _ metric: StudyResults.Metric, isReference: Bool) -> String {
        if isReference { return "reference" }
        guard let c else { return "–" }
        let digits = metric == .msrs ? "%+.3f" : metric == .testAccuracy ? "%+.2f" : "%+.0f"
        var parts: [String] = []
        if let d = c.meanPairedDifference { parts.append(String(format: digits, metric == .flops ? d / 1e6 : d) + (metric == .flops ? "M" : "")) }
        if let w = c.wilcoxon {
            parts.append(String(format: "Wilcoxon p %.3g, r %+.2f", w.pValue, w.effectSize))
        }
        if let u = c.mannWhitney { parts.append(String(format: "MWU p %.3g, r %+.2f", u.pValue, u.effectSize)) }
        return parts.isEmpty ? "–" : parts.joined(separator: "; ")
    }

    /// The summary table rows: arm, runs scored/failed, each metric's interval, Pareto share.
    func summaryRows() -> [[String]] {
        results.arms.map { arm in
            let scored = arm.runs.filter { $0.final != nil }.count
            let failed = arm.runs.filter { $0.failure != nil }.count
            var row = [arm.name, "\(scored)/\(arm.runs.count)" + (failed > 0 ? " (\(failed) failed)" : "")]
            row += StudyResults.Metric.allCases.map { Self.interval(arm.summary[$0.rawValue], $0) }
            row.append(arm.paretoFraction.map { String(format: "%.0f%%", $0 * 100) } ?? "–")
            return row
        }
    }

    /// The comparison rows: arm and, for test accuracy and MSRS, difference, p-values and effect sizes.
    func comparisonRows() -> [[String]] {
        results.arms.map { arm in
            let isReference = arm.name == results.reference
            return [arm.name] + [StudyResults.Metric.testAccuracy, .msrs, .params].map {
                Self.comparison(arm.comparison[$0.rawValue], $0, isReference: isReference)
            }
        }
    }

    func markdown(figures: [Figure]) -> String {
        let level = Int((results.confidence * 100).rounded())
        var md = "# Study \(URL(fileURLWithPath: results.directory).lastPathComponent)\n\n"
        md += "Generated \(results.generated). Every search's answer (chosen by its own fitness on the valid split) was "
            + "re-trained under one final protocol with seed(s) \(results.finalSeeds.map(String.init).joined(separator: ", ")) "
            + "and scored on the test split. Means with \(level)% percentile-bootstrap intervals "
            + "(\(results.resamples) resamples, seeded).\n\n"
        md += table(["arm", "scored", "test acc. (%)", "MSRS", "params", "FLOPs", "Pareto-optimal"], summaryRows())
        md += "\nAgainst the reference arm `\(results.reference)`: mean paired difference (arm − reference, same seed), "
            + "Wilcoxon signed-rank p-value and matched-pairs rank-biserial r (paired by seed), Mann–Whitney U p-value and "
            + "rank-biserial r (unpaired); two-sided. r > 0: the arm's values are larger.\n\n"
        md += table(["arm", "Δ test acc. (points)", "Δ MSRS", "Δ params"], comparisonRows())
        let runs = runRows()
        md += "\n## Runs\n\n" + table(runs.header, runs.rows)
        let failures = results.arms.flatMap { arm in arm.runs.compactMap { r in r.failure.map { "- \(arm.name)/seed-\(r.seed): \($0)" } } }
        if !failures.isEmpty { md += "\n## Failed searches\n\n" + failures.joined(separator: "\n") + "\n" }
        md += "\n## Figures\n\n"
        for figure in figures { md += "![\(figure.caption)](plots/\(figure.file))\n\n" }
        return md
    }

    /// Every run: seed, answer, search-time and final scores.
    func runRows() -> (header: [String], rows: [[String]]) {
        var rows: [[String]] = []
        for arm in results.arms {
            for run in arm.runs {
                func f(_ key: String, _ format: String) -> String { run.final?[key].map { String(format: format, $0) } ?? "–" }
                rows.append([arm.name, String(run.seed), run.phase, run.answerIndex.map(String.init) ?? "–",
                             run.searchValidAccuracy.map { String(format: "%.2f", $0) } ?? "–",
                             run.searchMSRS.map { String(format: "%.3f", $0) } ?? "–",
                             f("test_accuracy", "%.2f"), f("msrs", "%.3f"), f("params", "%.0f"),
                             run.paretoOptimal.map { $0 ? "yes" : "no" } ?? "–"])
            }
        }
        return (["arm", "seed", "phase", "answer", "search valid acc.", "search MSRS", "final test acc.", "final MSRS",
                 "params", "Pareto"], rows)
    }

    func table(_ header: [String], _ rows: [[String]]) -> String {
        var md = "| " + header.joined(separator: " | ") + " |\n"
        md += "|" + header.map { _ in "---|" }.joined() + "\n"
        for row in rows { md += "| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n" }
        return md
    }
}
