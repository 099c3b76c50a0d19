import RunModel

/// How one search of a study ended.
package enum LaunchOutcome: Equatable, Sendable {
    /// The budget is used.
    case finished
    /// A stop was requested; the run is resumable.
    case interrupted
    /// The search could not run or crashed; the reason in words.
    case failed(String)
}

/// Runs the searches and final re-trainings of a study: child `rednas` processes
/// (``ChildProcessLauncher``) or, in tests, work in this process (``InProcessLauncher``).
package protocol SearchLauncher: AnyObject, Sendable {
    /// Runs `job`'s search to the end of its budget: a new run when its directory holds none, else
    /// a resume. `threads` is the compute threads it may use. Returns when the search ends; a stop
    /// requested on `stop` is passed on to the search.
    func run(_ job: StudyJob, threads: Int, stop: StopSignal) -> LaunchOutcome

    /// Runs one final re-training to its `result.json` (continuing its epoch checkpoint if there
    /// is one) with `threads` compute threads.
    func retrain(_ training: FinalTraining, threads: Int, stop: StopSignal) -> LaunchOutcome
}
