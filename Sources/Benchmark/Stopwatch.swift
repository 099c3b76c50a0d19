import Dispatch

/// Median, minimum and maximum of repeated timed runs of one piece of work.
package struct TimingSummary: Codable, Equatable, Sendable {
    /// Seconds per run.
    package let median, minimum, maximum: Double
    package let repetitions: Int

    package init(seconds: [Double]) {
        precondition(!seconds.isEmpty, "TimingSummary needs at least one run")
        let sorted = seconds.sorted()
        let mid = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        (minimum, maximum, repetitions) = (sorted.first!, sorted.last!, sorted.count)
    }

    /// `items / seconds` at the median, and the slowest and fastest run.
    package func rate(items: Double) -> (median: Double, minimum: Double, maximum: Double) {
        (items / median, items / maximum, items / minimum)
    }
}

/// Times work the way the PyTorch peer does: `warmup` untimed runs, then timed runs until at least
/// `minimumRuns` ran AND `minimumSeconds` passed (or `maximumRuns` ran).
package struct Stopwatch: Sendable {
    package var warmup = 2
    package var minimumRuns = 5
    package var minimumSeconds = 5.0
    package var maximumRuns = 50

    package init(warmup: Int = 2, minimumRuns: Int = 5, minimumSeconds: Double = 5.0, maximumRuns: Int = 50) {
        (self.warmup, self.minimumRuns, self.minimumSeconds, self.maximumRuns) = (warmup, minimumRuns, minimumSeconds, maximumRuns)
    }

    package func measure(_ body: () -> Void) -> TimingSummary {
        for _ in 0..<warmup { body() }
        var runs: [Double] = []
        let start = Self.now()
        while runs.count < maximumRuns {
            let t0 = Self.now()
            body()
            let t1 = Self.now()
            runs.append(t1 - t0)
            if runs.count >= minimumRuns && t1 - start >= minimumSeconds { break }
        }
        return TimingSummary(seconds: runs)
    }

    /// Monotonic seconds.
    package static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
