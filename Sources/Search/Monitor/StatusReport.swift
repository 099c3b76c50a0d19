import Foundation
import Persistence
import RunModel

/// The `rednas status` view of a run, as text or JSON.
package struct StatusReport: Codable {
    package var run: String
    package var phase: RunPhase
    package var done: Int
    package var total: Int?
    package var reused: Int
    package var secondsUsed: Double
    /// Training epochs charged so far, and the epoch budget when there is one.
    package var epochsUsed: Int
    package var budgetEpochs: Int?
    /// Multi-fidelity runs: journal records that promoted a candidate to a higher rung.
    package var promotions: Int
    package var etaSeconds: Double?
    package var running: SearchStatus.Running?
    package var best: SearchStatus.Best?

    package init(_ s: RunSnapshot) {
        run = s.directory.url.path
        phase = s.phase
        done = s.candidates.count
        total = s.totalEvaluations
        reused = s.records.filter(\.reused).count
        secondsUsed = s.secondsUsed
        epochsUsed = s.epochsUsed
        budgetEpochs = s.config?.search.budget.epochs
        promotions = s.records.filter(\.isPromotion).count
        etaSeconds = s.etaSeconds
        running = s.running
        best = s.best.map { SearchStatus.Best($0, fitness: s.fitnessValue($0)) }
    }

    package func json() throws -> String {
        String(decoding: try JSONStyle.document(self), as: UTF8.self)
    }

    package func text() -> String {
        var lines = ["Run \(run) — \(phase)"]
        var evals = "Evaluations: \(done)" + (total.map { "/\($0)" } ?? "")
        if reused > 0 { evals += " (\(reused) reused)" }
        evals += ", time used \(formatDuration(secondsUsed))"
        if let eta = etaSeconds, phase != .finished { evals += ", ETA \(formatDuration(eta))" }
        lines.append(evals)
        if budgetEpochs != nil || promotions > 0 {
            lines.append("Epochs trained: \(epochsUsed)" + (budgetEpochs.map { "/\($0)" } ?? "")
                         + (promotions > 0 ? ", \(promotions) promotion(s) to a higher rung" : ""))
        }
        if let r = running {
            var line = "Running: #\(r.number) index \(r.index) \(r.arch)"
            if let p = r.progress { line += " — epoch \(p.epoch)/\(p.epochs), step \(p.step)/\(p.steps)" }
            lines.append(line)
        }
        if let b = best {
            var line = "Best: #\(b.number) index \(b.index) \(b.arch)\n      valid \(String(format: "%.2f", b.validAccuracy))%"
            if let t = b.testAccuracy { line += ", test \(String(format: "%.2f", t))%" }
            line += ", msrs " + (b.msrsNormalized.map { String(format: "%.3f", $0) } ?? "undefined")
            if let f = b.fitness { line += ", fitness \(String(format: "%.2f", f))" }
            lines.append(line)
        } else {
            lines.append("Best: none yet")
        }
        if phase == .stopped { lines.append("Resume with: rednas resume \(run)") }
        return lines.joined(separator: "\n")
    }
}
