import Foundation

/// Axis ticks at "nice" round values (steps of 1, 2, 2.5 or 5 × 10^k) covering a data range, so
/// axes read 0, 20, 40 … rather than 3.7, 17.4, …
package struct NiceTicks: Equatable, Sendable {
    /// Axis start and end: the data range widened outward to whole steps.
    package let lower: Double
    package let upper: Double
    package let step: Double

    /// Ticks for data in `low…high` with about `target` intervals (at most `2 · target`).
    /// A degenerate range (low == high) is widened around the value; non-finite input gives 0…1.
    package init(low: Double, high: Double, target: Int = 5) {
        var (a, b) = (min(low, high), max(low, high))
        if !a.isFinite || !b.isFinite { (a, b) = (0, 1) }
        if a == b {
            let pad = a == 0 ? 1 : abs(a) * 0.1
            (a, b) = (a - pad, b + pad)
        }
        let step = Self.niceStep((b - a) / Double(max(1, target)))
        self.step = step
        // Round away from the data, tolerating float noise (0.30000000000000004 stays 0.3).
        lower = (a / step + 1e-9).rounded(.down) * step
        upper = (b / step - 1e-9).rounded(.up) * step
    }

    /// The smallest of 1, 2, 2.5, 5, 10 × 10^k that is ≥ `raw` (raw > 0).
    package static func niceStep(_ raw: Double) -> Double {
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let fraction = raw / magnitude
        for nice in [1.0, 2, 2.5, 5, 10] where fraction <= nice * (1 + 1e-9) { return nice * magnitude }
        return 10 * magnitude
    }

    /// The tick values lower, lower + step, … upper (computed by multiplication: no drift).
    package var values: [Double] {
        let count = Int(((upper - lower) / step).rounded())
        return (0...count).map { lower + Double($0) * step }
    }

    /// A tick label with just enough decimals for the step (2.5 → "2.5", 0.1 → "0.1", never "0.30000000000000004").
    package func label(_ value: Double) -> String {
        let decimals = (0...6).first { d in
            let scaled = step * pow(10, Double(d))
            return abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled)
        } ?? 6
        let text = String(format: "%.\(decimals)f", value)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }
}
