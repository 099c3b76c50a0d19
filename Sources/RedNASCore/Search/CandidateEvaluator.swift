import CellSpace
import Foundation

/// One candidate the search asks to be trained and scored.
public struct CandidateTask: Equatable, Sendable {
    /// 0-based evaluation number within the run.
    public var number: Int
    public var cell: Cell
    /// The candidate's own seed (weight init, data order, augmentation), derived from the run seed.
    public var seed: UInt64

    public init(number: Int, cell: Cell, seed: UInt64) {
        self.number = number; self.cell = cell; self.seed = seed
    }
}

/// What training and scoring one candidate measured. Accuracies are top-1 in percent, as the
/// benchmark reports them.
public struct CandidateMetrics: Codable, Equatable, Sendable {
    public var validAccuracy: Double
    public var validLoss: Double?
    public var testAccuracy: Double?
    public var testLoss: Double?
    public var trainAccuracy: Double?
    public var trainLoss: Double?
    /// Raw MSRS (soft count of redundant layer pairs) and MSRS / (L(L−1)/2); nil when undefined.
    public var msrs: Double?
    public var msrsNormalized: Double?
    /// Why MSRS is undefined (e.g. every batch gave NaN), when it is.
    public var msrsUndefined: String?
    /// "diverged at epoch e, step s" when training blew up; accuracies are then not meaningful.
    public var diverged: String?
    public var params: Int
    public var flops: Int
    public var epochs: Int
    public var trainSeconds: Double
    public var msrsSeconds: Double
    /// Weights file relative to the candidate folder, when written.
    public var weights: String?

    public init(validAccuracy: Double, validLoss: Double? = nil, testAccuracy: Double? = nil, testLoss: Double? = nil,
                trainAccuracy: Double? = nil, trainLoss: Double? = nil, msrs: Double? = nil,
                msrsNormalized: Double? = nil, msrsUndefined: String? = nil, diverged: String? = nil,
                params: Int, flops: Int, epochs: Int, trainSeconds: Double, msrsSeconds: Double, weights: String? = nil) {
        self.validAccuracy = validAccuracy; self.validLoss = validLoss
        self.testAccuracy = testAccuracy; self.testLoss = testLoss
        self.trainAccuracy = trainAccuracy; self.trainLoss = trainLoss
        self.msrs = msrs; self.msrsNormalized = msrsNormalized; self.msrsUndefined = msrsUndefined
        self.diverged = diverged; self.params = params; self.flops = flops; self.epochs = epochs
        self.trainSeconds = trainSeconds; self.msrsSeconds = msrsSeconds; self.weights = weights
    }
}

/// Live progress of the candidate being trained (for the progress line and `rednas status`).
public struct CandidateProgress: Codable, Equatable, Sendable {
    public var epoch: Int
    public var epochs: Int
    public var step: Int
    public var steps: Int
    public var loss: Double?
    public var imagesPerSecond: Double?

    public init(epoch: Int, epochs: Int, step: Int, steps: Int, loss: Double? = nil, imagesPerSecond: Double? = nil) {
        self.epoch = epoch; self.epochs = epochs; self.step = step; self.steps = steps
        self.loss = loss; self.imagesPerSecond = imagesPerSecond
    }

    /// Fraction of the candidate's training done, 0…1.
    public var fraction: Double {
        guard epochs > 0, steps > 0 else { return 0 }
        return (Double(epoch) + Double(step) / Double(steps)) / Double(epochs)
    }
}

public enum CandidateOutcome: Equatable, Sendable {
    case finished(CandidateMetrics)
    /// A stop was requested; the candidate's last epoch checkpoint (if any) stays for resuming.
    case interrupted
}

/// Trains and scores candidates. The real one trains on data; tests use a fast deterministic fake.
///
/// Contract: the outcome is a function of (task, configuration) only — the same task evaluated
/// again, or resumed from the checkpoint it left in `directory`, gives the same metrics (up to
/// the measured seconds).
public protocol CandidateEvaluator {
    func evaluate(_ task: CandidateTask, in directory: URL, stop: StopSignal,
                  progress: (CandidateProgress) -> Void) throws -> CandidateOutcome
}
