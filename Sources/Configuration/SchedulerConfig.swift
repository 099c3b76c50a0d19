import ConfigKit
import Evolution

/// `search.scheduler`: multi-fidelity search (asynchronous successive halving or Hyperband).
/// Rungs are in epochs: `min_epochs`, `min_epochs · eta`, `min_epochs · eta²`, … up to
/// `training.epochs`, the top rung (a candidate's full training). The learning-rate schedule is
/// always over `training.epochs`, so a candidate paused at a rung and continued later trains
/// exactly as if it had run straight through.
package struct SchedulerConfig: Codable, Equatable, ConfigValidatable {
    package enum Kind: String, Codable, CaseIterable, ConfigEnumeration {
        /// Every candidate trains for `training.epochs` (no early stopping).
        case none
        /// Asynchronous successive halving (ASHA): every candidate starts at `min_epochs`.
        case successiveHalving = "successive_halving"
        /// Asynchronous Hyperband: new candidates go in turn to brackets starting at each rung.
        case hyperband
    }

    /// `none`, `successive_halving` or `hyperband`.
    package var kind: Kind = .none
    /// Epochs of the lowest rung.
    package var minEpochs: Int = 1
    /// Reduction factor η: a candidate is promoted when it ranks in the top 1/η of its rung.
    package var eta: Int = 3

    enum CodingKeys: String, CodingKey { case kind, minEpochs = "min_epochs", eta }

    package init(kind: Kind = .none, minEpochs: Int = 1, eta: Int = 3) {
        self.kind = kind; self.minEpochs = minEpochs; self.eta = eta
    }

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self), d = Self()
        kind = try c.decode(.kind, default: d.kind)
        minEpochs = try c.decode(.minEpochs, default: d.minEpochs)
        eta = try c.decode(.eta, default: d.eta)
    }

    package func validate() throws {
        try require(minEpochs >= 1, "min_epochs", "must be at least 1, found \(minEpochs)")
        try require(eta >= 2, "eta", "must be at least 2 (the top 1/eta of a rung is promoted), found \(eta)")
    }

    /// The Evolution module's ladder for a top rung of `maxEpochs`; nil for `none`.
    package func ladder(maxEpochs: Int) -> FidelityLadder? {
        switch kind {
        case .none: return nil
        case .successiveHalving: return FidelityLadder(kind: .successiveHalving, minEpochs: minEpochs, eta: eta, maxEpochs: maxEpochs)
        case .hyperband: return FidelityLadder(kind: .hyperband, minEpochs: minEpochs, eta: eta, maxEpochs: maxEpochs)
        }
    }
}
