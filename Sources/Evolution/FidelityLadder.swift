/// The rungs of a multi-fidelity search, in training epochs: `minEpochs · etaᵏ` for k = 0, 1, …
/// while below `maxEpochs`, then `maxEpochs` itself (the full protocol, the top rung).
///
/// Successive halving runs one bracket over the whole ladder. Hyperband runs one bracket per rung:
/// bracket `s` starts its candidates at rung `s` (so bracket 0 is successive halving and the last
/// bracket trains every candidate straight to the top rung). New candidates go to the brackets in
/// turn (candidate k of the run → bracket k mod brackets), which keeps the choice a function of the
/// history alone.
public struct FidelityLadder: Codable, Equatable, Sendable {
    /// How the ladder is split into brackets.
    public enum Kind: String, Codable, Sendable {
        /// One bracket: every candidate starts at the lowest rung.
        case successiveHalving
        /// One bracket per rung (asynchronous Hyperband).
        case hyperband
    }

    /// Successive halving or Hyperband.
    public var kind: Kind
    /// Epochs of the lowest rung (≥ 1).
    public var minEpochs: Int
    /// Reduction factor η (≥ 2): a candidate is promoted when it is in the top 1/η of its rung.
    public var eta: Int
    /// Epochs of the top rung: the candidate's full training.
    public var maxEpochs: Int

    /// A ladder; `minEpochs` ≤ `maxEpochs` and `eta` ≥ 2 (validated by the configuration layer).
    public init(kind: Kind = .successiveHalving, minEpochs: Int, eta: Int, maxEpochs: Int) {
        precondition(minEpochs >= 1 && minEpochs <= maxEpochs && eta >= 2, "invalid fidelity ladder")
        self.kind = kind
        self.minEpochs = minEpochs
        self.eta = eta
        self.maxEpochs = maxEpochs
    }

    /// Epochs of every rung, lowest first; the last is `maxEpochs`.
    public var rungs: [Int] {
        var epochs: [Int] = []
        var e = minEpochs
        while e < maxEpochs {
            epochs.append(e)
            e *= eta
        }
        return epochs + [maxEpochs]
    }

    /// Number of brackets: 1 for successive halving, one per rung for Hyperband.
    public var bracketCount: Int { kind == .successiveHalving ? 1 : rungs.count }

    /// Epochs of the rungs of `bracket`, lowest first (bracket s skips the s lowest rungs).
    public func rungs(bracket: Int) -> [Int] { Array(rungs.dropFirst(bracket)) }

    /// The bracket of the run's `ordinal`-th candidate (0-based): the brackets in turn.
    public func bracket(forCandidate ordinal: Int) -> Int { ordinal % bracketCount }
}
