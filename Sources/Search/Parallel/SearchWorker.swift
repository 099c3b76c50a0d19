import CellSpace
import Foundation
import RunModel

/// One worker of a parallel search: claims a candidate, evaluates it while a heartbeat renews its
/// lease, commits it (with its files), and asks again — until the search is finished, a stop is
/// requested, or it has committed `maxCandidates`.
///
/// A worker that lost its lease (paused, cut off) goes on to the commit, which the store refuses:
/// the candidate was handed to another worker and counts once.
package final class SearchWorker {
    package enum End: String, Equatable, Sendable {
        case finished = "search finished"
        case stopped = "stopped on request"
        case maxCandidates = "reached --max-candidates"
    }

    /// What the worker reports as it goes.
    package enum Event {
        case claimed(WorkLease)
        case progress(WorkLease, CandidateProgress)
        case committed(EvaluationRecord)
        case refused(WorkLease, String)
        case failed(WorkLease, String)
        case leaseLost(WorkLease)
        case storeProblem(String)
    }

    private let queue: WorkQueue
    private let evaluator: CandidateEvaluator
    private let workspace: (CandidateTask) throws -> URL
    private let worker: String
    private let stop: StopSignal
    private let maxCandidates: Int?
    private let pollSeconds: Double
    private let events: (Event) -> Void
    package private(set) var committed = 0

    /// `workspace` gives a task's folder on this machine (its epoch checkpoints survive a retry
    /// here); `worker` names this worker in the store (host and process id).
    package init(queue: WorkQueue, evaluator: CandidateEvaluator, workspace: @escaping (CandidateTask) throws -> URL,
                 worker: String, stop: StopSignal, maxCandidates: Int? = nil, pollSeconds: Double = 0.5,
                 events: @escaping (Event) -> Void = { _ in }) {
        self.queue = queue; self.evaluator = evaluator; self.workspace = workspace; self.worker = worker
        self.stop = stop; self.maxCandidates = maxCandidates; self.pollSeconds = pollSeconds; self.events = events
    }

    package func run() throws -> End {
        // A claim made together with the previous commit, not yet started.
        var next: WorkClaim?
        while true {
            if stop.isRequested {
                if case let .work(lease) = next { try queue.release(lease) }
                return .stopped
            }
            if let maxCandidates, committed >= maxCandidates { return .maxCandidates }
            let claim = try next ?? queue.claim(worker: worker, networkCounts: networkCounts)
            next = nil
            switch claim {
            case .finished: return .finished
            case .wait: Thread.sleep(forTimeInterval: pollSeconds)
            case let .work(lease):
                switch try evaluate(lease) {
                case .stopped: return .stopped
                case let .goOn(claim): next = claim
                }
            }
        }
    }

    private var networkCounts: (Cell) -> NetworkCounts? { { [evaluator] in evaluator.networkCounts(for: $0) } }

    /// What a worker does after a candidate.
    private enum After {
        /// A stop interrupted the evaluation; the candidate was released.
        case stopped
        /// Go on, with the next claim when it was made together with the commit.
        case goOn(WorkClaim?)
    }

    /// Evaluates and commits one candidate. An evaluation that throws is reported to the store as
    /// a failed attempt; the store's own errors end the worker.
    private func evaluate(_ lease: WorkLease) throws -> After {
        events(.claimed(lease))
        let heartbeat = Heartbeat(lease: lease, queue: queue) { [events] event in events(event) }
        heartbeat.start()
        let started = Date()
        let folder: URL
        let outcome: CandidateOutcome
        do {
            folder = try workspace(lease.task)
            try queue.restore(lease, into: folder)
            heartbeat.keepCheckpoint(of: folder)
            outcome = try evaluator.evaluate(lease.task, in: folder, stop: stop) { [events] p in events(.progress(lease, p)) }
        } catch {
            heartbeat.stop()
            let reason = "\(error)"
            events(.failed(lease, reason))
            try queue.fail(lease, reason: reason)
            return .goOn(nil)
        }
        heartbeat.stop()
        guard case let .finished(metrics) = outcome else {
            try queue.release(lease)
            return .stopped
        }
        let seconds = metrics.trainSeconds + metrics.msrsSeconds > 0
            ? metrics.trainSeconds + metrics.msrsSeconds : Date().timeIntervalSince(started)
        let report = { [self] (outcome: CommitOutcome) in
            switch outcome {
            case let .committed(record):
                committed += 1
                events(.committed(record))
            case let .refused(why):
                events(.refused(lease, why))
            }
        }
        // The next claim goes with the commit unless this commit may be the worker's last.
        guard !stop.isRequested, maxCandidates.map({ committed + 1 < $0 }) ?? true else {
            report(try queue.commit(lease, metrics: metrics, seconds: seconds, folder: folder))
            return .goOn(nil)
        }
        let next = try queue.commitAndClaim(lease, metrics: metrics, seconds: seconds, folder: folder,
                                            networkCounts: networkCounts, committed: report)
        return .goOn(next)
    }
}

/// Renews a lease every third of its length on a thread of its own until stopped, keeping the
/// candidate's checkpoint with the store after each renewal.
private final class Heartbeat: @unchecked Sendable {
    private let lease: WorkLease
    private let queue: WorkQueue
    private let report: (SearchWorker.Event) -> Void
    private let condition = NSCondition()
    private var stopped = false
    private var thread: Thread?
    /// The candidate's folder once there is one: its checkpoint is kept with each renewal.
    private var folder: URL?

    init(lease: WorkLease, queue: WorkQueue, report: @escaping (SearchWorker.Event) -> Void) {
        self.lease = lease; self.queue = queue; self.report = report
    }

    func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "rednas heartbeat"
        self.thread = thread
        thread.start()
    }

    /// From now on each renewal also keeps the epoch checkpoint in `folder` (`WorkQueue.keepCheckpoint`).
    func keepCheckpoint(of folder: URL) {
        condition.lock()
        self.folder = folder
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func loop() {
        let interval = max(0.05, lease.leaseSeconds / 3)
        var lost = false
        while true {
            condition.lock()
            if !stopped { _ = condition.wait(until: Date().addingTimeInterval(interval)) }
            let (done, folder) = (stopped, self.folder)
            condition.unlock()
            if done { return }
            do {
                if try queue.renew(lease) {
                    if let folder { try queue.keepCheckpoint(lease, from: folder) }
                } else if !lost {
                    lost = true
                    report(.leaseLost(lease))
                }
            } catch {
                report(.storeProblem("lease renewal of candidate #\(lease.task.number) failed: \(error)"))
            }
        }
    }
}
