import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A cooperative stop request: long loops (training steps, search evaluations) poll `isRequested`
/// at safe points and wind down after recording their state.
///
/// `installSignalHandlers()` makes the first SIGINT/SIGTERM request a stop; a second one ends the
/// process at once (what was written atomically is still consistent and resumable).
package final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false
    private var reason: String?
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "rednas.signals")

    package init() {}

    package var isRequested: Bool { lock.lock(); defer { lock.unlock() }; return requested }
    package var requestReason: String? { lock.lock(); defer { lock.unlock() }; return reason }

    package func request(_ why: String) {
        lock.lock(); defer { lock.unlock() }
        if !requested { requested = true; reason = why }
    }

    /// Routes SIGINT and SIGTERM to this object for the life of the process; with `terminateOnly`
    /// SIGTERM alone (and SIGINT is ignored: a worker process whose parent forwards the stop).
    package func installSignalHandlers(terminateOnly: Bool = false, onFirst: @escaping (String) -> Void = { _ in }) {
        if terminateOnly { signal(SIGINT, SIG_IGN) }
        for (sig, name) in terminateOnly ? [(SIGTERM, "SIGTERM")] : [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { [weak self] in
                guard let self else { return }
                if self.isRequested {
                    FileHandle.standardError.write(Data("\n\(name) again: stopping now.\n".utf8))
                    exit(130)
                }
                self.request(name)
                onFirst(name)
            }
            source.resume()
            sources.append(source)
        }
    }
}
