import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `leases.json` of a run worked on by several processes on one machine: which worker holds which
/// in-flight proposal. Coordination only: losing the file frees every candidate, and a worker
/// whose lease is gone has its commit refused.
package struct LeaseTable: Codable, Equatable {
    /// One in-flight proposal's claim.
    package struct Lease: Codable, Equatable {
        /// The proposal number.
        package var number: Int
        /// The worker holding it (host and process id).
        package var worker: String
        package var pid: Int32
        /// The fencing token of this claim; a commit or renewal with another one is refused.
        package var token: Int64
        /// Attempts so far, this one included (a release gives its attempt back).
        package var attempts: Int
        /// Seconds since 1970 after which the lease is free unless renewed.
        package var expires: Double
        /// The reason of the last failed attempt.
        package var lastError: String?
        /// Given back (stopped or failed): free at once.
        package var released: Bool
    }

    /// The token of the next claim.
    package var nextToken: Int64
    package var leases: [Lease] = []

    /// A new table; tokens start at the current time in milliseconds, so a table lost and made
    /// again never hands out a token a live worker still holds.
    package init(now: Date = Date()) { nextToken = Int64(now.timeIntervalSince1970 * 1000) }

    package func lease(_ number: Int) -> Lease? { leases.first { $0.number == number } }

    package mutating func set(_ lease: Lease) {
        if let at = leases.firstIndex(where: { $0.number == lease.number }) { leases[at] = lease } else { leases.append(lease) }
    }

    package mutating func remove(_ number: Int) { leases.removeAll { $0.number == number } }
}

extension LeaseTable.Lease {
    /// Whether another worker may take the candidate: released, expired, or its process is gone.
    package func isFree(now: Date = Date()) -> Bool {
        released || expires < now.timeIntervalSince1970 || !LeaseTable.processIsAlive(pid)
    }
}

extension LeaseTable {
    /// Whether process `pid` of this machine still runs (a zombie — exited, not yet reaped — does
    /// not). A pid ≤ 0 (unknown) counts as alive: its lease then ends by expiry only.
    package static func processIsAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return true }
        if kill(pid, 0) != 0 && errno != EPERM { return false }
        // /proc/PID/stat: "pid (name) S …"; the state follows the last ')'.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }
}
