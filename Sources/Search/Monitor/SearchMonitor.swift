import CellSpace
import Evolution
import Foundation
import Persistence
import RunModel

/// Turns driver events into what people and tools see: the progress line, `search.log`, and
/// `status.json`. Holds no search logic.
package final class SearchMonitor {
    private let run: RunDirectory
    private let settings: SearchSettings
    private let line: ProgressLine
    private var status: SearchStatus
    private var records: [EvaluationRecord] = []
    private var lastStatusWrite = Date.distantPast
    private let parallelism: Int

    /// `parallelism`: how many candidates train at once (the workers of a parallel search), which
    /// divides the ETA.
    package init(run: RunDirectory, settings: SearchSettings, line: ProgressLine, records: [EvaluationRecord],
                 parallelism: Int = 1) {
        self.run = run
        self.parallelism = max(1, parallelism)
        self.settings = settings
        self.line = line
        self.records = records
        status = SearchStatus(phase: .running, pid: getpid(), updatedAt: "", done: records.latestPerCandidate.count,
                              total: settings.budget.evaluations, secondsUsed: records.map(\.seconds).reduce(0, +),
                              budgetSeconds: settings.budget.seconds, running: nil, best: nil, etaSeconds: nil)
    }

    package func handle(_ event: SearchEvent) {
        switch event {
        case let .started(done, best):
            status.best = best.map { .init($0, fitness: $0.fitnessValue(under: settings.fitness)) }
            let message = done == 0 ? "search started in \(run.url.path)" : "resuming \(run.url.path) after \(done) evaluations"
            line.log(message); run.appendLog(message)
            writeStatus(force: true)
        case let .repaired(what):
            line.log("repaired: \(what)"); run.appendLog("repaired: \(what)")
        case let .candidateStarted(task):
            status.running = .init(number: task.number, arch: task.cell.architectureString, index: task.cell.index, progress: nil)
            run.appendLog("#\(task.number): training index \(task.cell.index) \(task.cell.architectureString) seed \(task.seed)")
            writeStatus(force: true)
        case let .candidateProgress(_, progress):
            status.running?.progress = progress
            updateETA()
            line.update(statusLine(), tail: etaText())
            writeStatus(force: false)
        case let .evaluated(record, best, _):
            records.append(record)
            status.done = record.rung == nil ? records.count : Set(records.map(\.candidateNumber)).count
            status.secondsUsed += record.seconds
            status.running = nil
            status.best = best.map { .init($0, fitness: $0.fitnessValue(under: settings.fitness)) }
            updateETA()
            let text = describe(record)
            line.log(text); run.appendLog(text)
            line.update(statusLine(), tail: etaText(), force: true)
            writeStatus(force: true)
        case let .ended(end, best):
            status.phase = end == .budgetExhausted ? .finished : .stopped
            status.running = nil
            status.etaSeconds = end == .budgetExhausted ? 0 : status.etaSeconds
            line.finish()
            let candidates = Set(records.map(\.candidateNumber)).count
            var message = "search \(end.rawValue) after \(records.count) evaluations"
                + (candidates < records.count ? " of \(candidates) candidates (the rest promotions)" : "")
            if let best { message += "; best: #\(best.candidateNumber) index \(best.index) valid \(fmt(best.metrics.validAccuracy))%" }
            if end == .stopped { message += "; continue with `rednas resume \(run.url.path)`" }
            line.log(message); run.appendLog(message)
            writeStatus(force: true)
        }
    }

    /// "#13 (14/16) index …": the candidate's number — the one the journal, its folder, `status`
    /// and the report use, counted from #0 — then how many evaluations are done with it.
    private func describe(_ r: EvaluationRecord) -> String {
        let total = settings.budget.evaluations.map { "/\($0)" } ?? ""
        var s = "#\(r.number) (\(r.number + 1)\(total)) index \(r.index) \(r.arch) "
        if let rung = r.rung {
            s += r.isPromotion ? "#\(r.candidateNumber) promoted to rung \(rung) (\(r.metrics.epochs) ep) "
                : "rung 0 of bracket \(r.bracket ?? 0) (\(r.metrics.epochs) ep) "
        }
        if let d = r.metrics.diverged { return s + "— \(d)" }
        s += "valid \(fmt(r.metrics.validAccuracy))%"
        s += " msrs " + (r.metrics.msrsNormalized.map { String(format: "%.3f", $0) } ?? "undefined")
        if let f = r.fitnessValue(under: settings.fitness), settings.fitness.kind == .penalty { s += " fitness \(fmt(f))" }
        s += r.reused ? " (reused from #\(r.reusedFrom!))" : " (\(formatDuration(r.seconds)))"
        return s
    }

    private func statusLine() -> String {
        let total = settings.budget.evaluations.map { "/\($0)" } ?? ""
        var s = "\(status.done)\(total) done"
        if let r = status.running {
            s = "#\(r.number) (\(r.number + 1)\(total)) index \(r.index)"
            if let p = r.progress {
                s += " ep \(p.epoch)/\(p.epochs) step \(p.step)/\(p.steps)"
                if let loss = p.loss { s += " loss \(String(format: "%.3f", loss))" }
                if let ips = p.imagesPerSecond { s += " \(Int(ips)) img/s" }
            }
        }
        if let b = status.best {
            s += " | best #\(b.number) valid \(fmt(b.validAccuracy))%"
            s += " msrs " + (b.msrsNormalized.map { String(format: "%.3f", $0) } ?? "n/a")
            if settings.fitness.kind == .penalty, let f = b.fitness { s += " fit \(fmt(f))" }
        }
        return s
    }

    /// The part of the live line that is never cut.
    private func etaText() -> String? { status.etaSeconds.map { "ETA \(formatDuration($0))" } }

    private func updateETA() {
        status.etaSeconds = SearchStatus.eta(records: records, total: settings.budget.evaluations,
                                             budgetSeconds: settings.budget.seconds, secondsUsed: status.secondsUsed,
                                             runningFraction: status.running?.progress?.fraction ?? 0)
            .map { $0 / Double(parallelism) }
    }

    private func writeStatus(force: Bool) {
        let now = Date()
        guard force || now.timeIntervalSince(lastStatusWrite) >= 2 else { return }
        lastStatusWrite = now
        status.updatedAt = Timestamp.iso8601(now)
        if let data = try? JSONStyle.document(status) { try? AtomicFile.write(data, to: run.status) }
    }

    private func fmt(_ x: Double) -> String { String(format: "%.2f", x) }
}
