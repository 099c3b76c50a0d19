import RunModel

/// How `Trainer.run` ended.
package enum TrainingOutcome: Equatable, Sendable {
    /// All epochs ran, or training diverged (see `TrainingResult.diverged`).
    case finished(TrainingResult)
    /// A stop was requested; `epochsCompleted` epochs are saved in the checkpoint (if any).
    case interrupted(epochsCompleted: Int)
}
