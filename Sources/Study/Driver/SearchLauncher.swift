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

/// Runs the searches of a study: child `rednas` processes (``ChildProcessLauncher``) or, in
/// tests, searches in this process (``InProcessLauncher``).
package protocol SearchLauncher: AnyObject, Sendable {
    /// Runs `job`'s search to the end of its budget: a new run when its directory holds none, else
    /// a resume. `threads` is the compute threads it may use. Returns when the search ends; a stop
    /// requested on `stop` is passed on to the search.
    func run(_ job: StudyJob, threads: Int, stop: StopSignal) -> LaunchOutcome
}
