import Foundation

/// The live status of a run, written atomically to `status.json` by the running process and read
/// by `rednas status` (also while the search is going).
public struct SearchStatus: Codable, Equatable {
    public struct Running: Codable, Equatable {
        public var number: Int
        public var arch: String
        public var index: Int
        public var progress: CandidateProgress?

        public init(number: Int, arch: String, index: Int, progress: CandidateProgress?) {
            self.number = number; self.arch = arch; self.index = index; self.progress = progress
        }
    }

    public struct Best: Codable, Equatable {
        public var number: Int
        public var arch: String
        public var index: Int
        public var validAccuracy: Double
        public var testAccuracy: Double?
        public var msrsNormalized: Double?
        public var fitness: Double?

        public init(_ r: EvaluationRecord, fitness: Double?) {
            number = r.number; arch = r.arch; index = r.index
            validAccuracy = r.metrics.validAccuracy; testAccuracy = r.metrics.testAccuracy
            msrsNormalized = r.metrics.msrsNormalized; self.fitness = fitness
        }
    }

    public var phase: RunPhase
    public var pid: Int32
    public var updatedAt: String
    public var done: Int
    public var total: Int?
    public var secondsUsed: Double
    public var budgetSeconds: Double?
    public var running: Running?
    public var best: Best?
    public var etaSeconds: Double?

    public init(phase: RunPhase, pid: Int32, updatedAt: String, done: Int, total: Int?, secondsUsed: Double,
                budgetSeconds: Double?, running: Running?, best: Best?, etaSeconds: Double?) {
        self.phase = phase; self.pid = pid; self.updatedAt = updatedAt; self.done = done; self.total = total
        self.secondsUsed = secondsUsed; self.budgetSeconds = budgetSeconds; self.running = running
        self.best = best; self.etaSeconds = etaSeconds
    }
}

extension SearchStatus {
    /// Remaining time: mean seconds of the trained (not reused) evaluations times what is left,
    /// less the running candidate's done fraction; or the rest of a time budget, whichever is less.
    public static func eta(records: [EvaluationRecord], total: Int?, budgetSeconds: Double?, secondsUsed: Double,
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
