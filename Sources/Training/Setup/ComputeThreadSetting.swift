import Foundation
import TensorEngine

/// The one rule for a `threads` setting: 0 means every core the process may use.
package enum ComputeThreadSetting {
    /// The worker count `requested` stands for (`requested` itself when positive).
    package static func resolve(_ requested: Int) -> Int {
        requested == 0 ? ProcessInfo.processInfo.activeProcessorCount : requested
    }

    /// The worker count in force.
    package static var current: Int { ComputeThreads.count }

    /// Sets the tensor engine's compute threads (and OpenBLAS's) for `requested`.
    package static func apply(_ requested: Int) { ComputeThreads.set(resolve(requested)) }
}
