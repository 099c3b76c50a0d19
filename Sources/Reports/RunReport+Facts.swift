import Evolution
import Foundation
import RunModel

/// The key facts of a report as label/value rows, shared by `index.html` and `summary.md`.
extension RunReport {
    /// The run's config in a few rows, or nil when it is unavailable.
    package var configRows: [(String, String)]? {
        guard let c = snapshot.config else { return nil }
        let d = c.dataset, n = c.network, t = c.training, m = c.msrs, s = c.search, f = c.fitness
        var dataset = d.kind.rawValue + ", split \(d.split.rawValue)"
        if d.split == .holdout { dataset += " (valid fraction \(SVGDocument.number(d.validFraction)))" }
        let subsets = [("train", d.trainSubset), ("valid", d.validSubset), ("test", d.testSubset)].filter { $0.1 > 0 }
        if !subsets.isEmpty { dataset += "; subsets " + subsets.map { "\($0.0) \($0.1)" }.joined(separator: ", ") }
        let search = s.algorithm == .rea ? "regularized evolution (P = \(s.population), S = \(s.sampleSize))" : "random search"
        var budget: [String] = []
        if let e = s.budget.evaluations { budget.append("\(e) evaluations") }
        if let sec = s.budget.seconds { budget.append(formatDuration(sec)) }
        if let e = s.budget.epochs { budget.append("\(e) training epochs") }
        var scheme = search + (s.cache ? ", canonical cache on" : "")
        if let ladder = s.scheduler.ladder(maxEpochs: t.epochs) {
            scheme = search + ", \(s.scheduler.kind.rawValue.replacingOccurrences(of: "_", with: " ")) over rungs of "
                + ladder.rungs.map(String.init).joined(separator: "/") + " epochs (η = \(ladder.eta))"
        }
        return [
            ("dataset", dataset),
            ("network", "C = \(n.channels), cells per stage \(n.stageCells.map(String.init).joined(separator: "/"))"),
            ("protocol", "\(t.epochs) epochs, batch \(t.batchSize), lr \(SVGDocument.number(t.lr)) \(t.schedule.rawValue), "
                + "MSRS on \(m.batches)×\(m.batchSize) \(m.split.rawValue) images (β \(SVGDocument.number(m.beta)), τ \(SVGDocument.number(m.tau)))"),
            ("search", scheme),
            ("fitness", Self.describe(f.fitness)),
            ("budget", budget.isEmpty ? "none" : budget.joined(separator: " or ")),
            ("seed", "\(c.seed)"),
        ]
    }

    static func describe(_ f: Fitness) -> String {
        switch f.kind {
        case .accuracy: return "accuracy (valid accuracy only)"
        case .penalty: return "penalty: accuracy − \(SVGDocument.number(f.lambda)) · normalised MSRS"
        case .constraint: return "constraint: normalised MSRS ≤ \(SVGDocument.number(f.bound)) first, by accuracy"
        case .lexicographic: return "lexicographic: within \(SVGDocument.number(f.epsilon)) points of the best, lower MSRS wins"
        case .pareto: return "pareto: non-dominated (accuracy ↑, MSRS ↓); answer = most accurate of the front"
        }
    }

    /// "12/100 evaluations, running (updated …)".
    package var statusText: String {
        let done = snapshot.candidates.count
        var text = "\(done)" + (snapshot.totalEvaluations.map { "/\($0)" } ?? "") + " evaluations, " + snapshot.phase.rawValue
        let promotions = snapshot.records.filter(\.isPromotion).count
        if promotions > 0 || snapshot.config?.search.budget.epochs != nil {
            text += "; \(snapshot.epochsUsed)" + (snapshot.config?.search.budget.epochs.map { "/\($0)" } ?? "")
                + " epochs trained, \(promotions) promotion(s)"
        }
        if let updated = snapshot.status?.updatedAt, !updated.isEmpty { text += " (status updated \(updated))" }
        let seconds = snapshot.records.reduce(0) { $0 + $1.seconds }
        if done > 0 { text += "; evaluation time \(formatDuration(seconds))" }
        return text
    }

    /// The answer's facts, or nil before the first evaluation.
    package var bestRows: [(String, String)]? {
        guard let b = best else { return nil }
        let m = b.metrics
        var rows: [(String, String)] = [
            ("architecture", b.arch),
            ("index", "\(b.index)"),
            ("canonical", b.canonical),
            ("evaluation", "#\(b.candidateNumber)" + (b.reusedFrom.map { " (result reused from #\($0))" } ?? "")
                + (b.rung.map { " at rung \($0) (\(m.epochs) epochs)" } ?? "")),
            ("valid accuracy", Self.percent(m.validAccuracy)),
            ("test accuracy", m.testAccuracy.map(Self.percent) ?? "—"),
            ("MSRS (raw)", m.msrs.map { String(format: "%.3f", $0) } ?? "undefined"),
            ("MSRS (normalised)", m.msrsNormalized.map { String(format: "%.4f", $0) } ?? "undefined"),
            ("params", Self.grouped(m.params)),
            ("FLOPs", Self.grouped(m.flops)),
        ]
        if analysis.fitness.kind == .penalty, let f = analysis.fitnessValue(b) { rows.insert(("fitness", String(format: "%.2f", f)), at: 4) }
        if let d = m.diverged { rows.append(("diverged", d)) }
        return rows
    }

    /// The top-K table's headings; the eighth says what the ranking used (the fitness, or for
    /// `pareto` the front and crowding distance).
    package var tableColumns: [String] {
        ["rank", "#", "index", "architecture", "valid %", "test %", "MSRS norm.", analysis.rankingColumn, "params", "note"]
    }

    /// The top-K table rows, best first, as display strings (under a scheduler, the candidates at
    /// the highest fidelity reached only).
    package var tableRows: [[String]] {
        analysis.topAtHighestFidelity(topK).enumerated().map { rank, i in
            let r = analysis.records[i], m = r.metrics
            return ["\(rank + 1)", "\(r.candidateNumber)", "\(r.index)", r.arch, String(format: "%.2f", m.validAccuracy),
                    m.testAccuracy.map { String(format: "%.2f", $0) } ?? "—",
                    m.msrsNormalized.map { String(format: "%.4f", $0) } ?? "—",
                    analysis.rankingValue(at: i),
                    Self.grouped(m.params), Self.note(r, isAnswer: i == analysis.answer)]
        }
    }

    /// The table's note for a record: "answer", divergence, reuse, undefined MSRS ("; "-separated).
    static func note(_ r: EvaluationRecord, isAnswer: Bool) -> String {
        var note: [String] = []
        if isAnswer { note.append("answer") }
        if let d = r.metrics.diverged { note.append(d) }
        if let from = r.reusedFrom { note.append("reused #\(from)") }
        if let rung = r.rung { note.append("\(r.metrics.epochs) ep (rung \(rung))") }
        if r.metrics.msrsNormalized == nil && r.metrics.diverged == nil { note.append("MSRS undefined") }
        return note.joined(separator: "; ")
    }

    static func percent(_ x: Double) -> String { String(format: "%.2f %%", x) }

    /// 1234567 → "1,234,567".
    static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (k, ch) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }
}
