import Foundation

/// What a run is bound to: a SHA-256 fingerprint of its resolved config (budget excluded) and its
/// search space, and the texts it covers (so a mismatch can say what differs).
package struct RunBinding: Equatable, Sendable {
    package var fingerprint: String
    /// "config" (resolved YAML) and "space" (resolved YAML).
    package var bound: [String: String]

    package init(fingerprint: String, bound: [String: String]) {
        self.fingerprint = fingerprint; self.bound = bound
    }
}
