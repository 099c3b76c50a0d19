import CellSpace
import Foundation
import RunModel

/// A claimed candidate: the task to evaluate and the lease that entitles its worker to commit it.
package struct WorkLease: Equatable, Sendable {
    package var task: CandidateTask
    /// The worker holding the lease (host and process id).
    package var worker: String
    /// The fencing token: a new one for every claim of the candidate; a commit or renewal with an
    /// older token is refused.
    package var token: Int64
    /// 1 for the first claim, 2 for the first retry after a lost lease or a failure, …
    package var attempt: Int
    /// How long the lease lasts without a renewal.
    package var leaseSeconds: Double

    package init(task: CandidateTask, worker: String, token: Int64, attempt: Int, leaseSeconds: Double) {
        self.task = task; self.worker = worker; self.token = token; self.attempt = attempt; self.leaseSeconds = leaseSeconds
    }
}

/// What a worker gets when it asks for work.
package enum WorkClaim: Equatable, Sendable {
    case work(WorkLease)
    /// Nothing to hand out now (the budget is taken by candidates in flight): ask again later.
    case wait
    /// The search is over: budget used and nothing in flight.
    case finished
}

/// What became of a commit.
package enum CommitOutcome: Equatable, Sendable {
    case committed(EvaluationRecord)
    /// The lease was taken over (or the candidate finished by another worker): nothing was written
    /// but the refusal, which the store logs.
    case refused(String)
}

/// The coordination a parallel search needs from its store: claim, renew, commit or fail a
/// candidate. The store serializes these calls and decides with `AsyncSearch` what comes next.
package protocol WorkQueue: AnyObject {
    /// Where the search lives, for messages (never a secret).
    var location: String { get }
    /// The next candidate for `worker`: an expired lease first (re-run with the same task), else a
    /// new proposal. `networkCounts` gives a cell's counts for records served from the cache.
    func claim(worker: String, networkCounts: @escaping (Cell) -> NetworkCounts?) throws -> WorkClaim
    /// Writes into `folder` (the worker's folder of the candidate) the files the store holds for
    /// it: nothing for a new candidate; for a promotion the files its last rung committed, the
    /// rung checkpoint among them, so it continues on any machine; for a lease taken over, the
    /// epoch checkpoint its previous worker kept (`keepCheckpoint`). Files already there with the
    /// same contents are left alone.
    func restore(_ lease: WorkLease, into folder: URL) throws
    /// Extends the lease; false when it was taken over (the commit will be refused).
    func renew(_ lease: WorkLease) throws -> Bool
    /// Keeps the epoch checkpoint the evaluation has written so far in `folder` (the candidate's
    /// folder; the checkpoint is its `checkpoint` folder) where a worker that takes the lease over
    /// on another machine finds it (`restore`), while the lease holds. Called after each renewal;
    /// a checkpoint unchanged since the last call costs nothing. The default keeps nothing: the
    /// workers of a store that shares their folders find the checkpoint there.
    func keepCheckpoint(_ lease: WorkLease, from folder: URL) throws
    /// Commits the evaluation and the files of its `folder` (metrics, MSRS, training log,
    /// weights; under a scheduler the rung checkpoint a promotion continues from) if the lease
    /// still holds; refused (and logged) otherwise.
    func commit(_ lease: WorkLease, metrics: CandidateMetrics, seconds: Double, folder: URL) throws -> CommitOutcome
    /// `commit`, then `claim` for the lease's worker: what a worker that goes on does after each
    /// candidate. `committed` hears what became of the commit as soon as that is known (before the
    /// claim, or with it). A store that serializes its calls may do both in one turn (one lock,
    /// one replay); the default does one after the other.
    func commitAndClaim(_ lease: WorkLease, metrics: CandidateMetrics, seconds: Double, folder: URL,
                        networkCounts: @escaping (Cell) -> NetworkCounts?,
                        committed: (CommitOutcome) -> Void) throws -> WorkClaim
    /// Gives the candidate back after the evaluation failed with `reason`; after the store's
    /// retry limit it is recorded as failed and the search goes on.
    func fail(_ lease: WorkLease, reason: String) throws
    /// Gives the candidate back unfinished (the worker is stopping); it is claimable at once.
    func release(_ lease: WorkLease) throws
}

extension WorkQueue {
    package func keepCheckpoint(_ lease: WorkLease, from folder: URL) throws {}

    package func commitAndClaim(_ lease: WorkLease, metrics: CandidateMetrics, seconds: Double, folder: URL,
                                networkCounts: @escaping (Cell) -> NetworkCounts?,
                                committed: (CommitOutcome) -> Void) throws -> WorkClaim {
        committed(try commit(lease, metrics: metrics, seconds: seconds, folder: folder))
        return try claim(worker: lease.worker, networkCounts: networkCounts)
    }
}
