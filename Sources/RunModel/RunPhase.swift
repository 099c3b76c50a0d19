/// Where a run stands. Every reader of a run (status, report, export, the live status file) uses
/// this one vocabulary; the raw values are what `status.json` and `rednas status --json` write.
package enum RunPhase: String, Codable, Equatable, Sendable, CustomStringConvertible {
    /// Nothing evaluated yet and no process driving the run.
    case notStarted = "not started"
    /// A process holds the run's lock and is driving it.
    case running
    /// Work remains in the budget and no process drives the run: `rednas resume` continues it.
    case stopped
    /// The budget is used.
    case finished

    package var description: String { rawValue }
}
