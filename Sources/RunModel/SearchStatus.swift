import Foundation

/// The live status of a run, written atomically to `status.json` by the running process and read
/// by `rednas status` (also while the search is going).
package struct SearchStatus: Codable, Equatable {
    package struct Running: Codable, Equatable {
        package var number: Int
        package var arch: String
        package var index: Int
        package var progress: CandidateProgress?

        package init(number: Int, arch: String, index: Int, progress: CandidateProgress?) {
            self.number = number; self.arch = arch; self.index = index; self.progress = progress
        }
    }

    package struct Best: Codable, Equatable {
        /// The candidate's number (under a scheduler, the number of its first record).
        package var number: Int
        package var arch: String
        package var index: Int
        package var validAccuracy: Double
        package var testAccuracy: Double?
        package var msrsNormalized: Double?
        package var fitness: Double?

        package init(_ r: EvaluationRecord, fitness: Double?) {
            number = r.candidateNumber; arch = r.arch; index = r.index
            validAccuracy = r.metrics.validAccuracy; testAccuracy = r.metrics.testAccuracy
            msrsNormalized = r.metrics.msrsNormalized; self.fitness = fitness
        }
    }

    package var phase: RunPhase
    package var pid: Int32
    package var updatedAt: String
    package var done: Int
    package var total: Int?
    package var secondsUsed: Double
    package var budgetSeconds: Double?
    package var running: Running?
    package var best: Best?
    package var etaSeconds: Double?

    package init(phase: RunPhase, pid: Int32, updatedAt: String, done: Int, total: Int?, secondsUsed: Double,
                budgetSeconds: Double?, running: Running?, best: Best?, etaSeconds: Double?) {
        self.phase = phase; self.pid = pid; self.updatedAt = updatedAt; self.done = done; self.total = total
        self.secondsUsed = secondsUsed; self.budgetSeconds = budgetSeconds; self.running = running
        self.best = best; self.etaSeconds = etaSeconds
    }
}

extension SearchStatus {
    /// Remaining time: mean seconds of the trained (not reused) evaluations times what is left,
    /// less the running candidate's done fraction; or the rest of a time budget, whichever is less.
    package static func eta(records: [EvaluationRecord], total: Int?, budgetSeconds: Double?, secondsUsed: Double,
                           runningFraction: Double) -> Double? {
        var estimates: [Double] = []
        let trained = records.filter { !$0.reused }
        if let total, !trained.isEmpty {
            let mean = trained.map(\.seconds).reduce(0, +) / Double(trained.count)
            let left = Double(max(0, total - records.count)) - runningFraction
            estimates.append(max(0, left) * mean)
        }
        if let budgetSeconds { estimates.append(max(0, budgetSeconds - secondsUsed)) }
        return estimates.min()
    }
}
