import ArgumentParser
import Training

/// `--threads N`, the same on every command that trains or computes: N compute threads, 0 = every
/// core. Without it a command with a config uses the config's `threads` (whose default is 0), and
/// one without a config uses 0: one default everywhere.
struct ThreadsOption: ParsableArguments {
    /// The value every default resolves to: every core.
    static let defaultValue = 0

    @Option(name: .customLong("threads"), parsing: .unconditional,
            help: "Compute threads, 0 = every core (default: the config's `threads`, itself 0 by default).")
    var value: Int?

    func validate() throws {
        if let value, !(0...256).contains(value) { throw ValidationError("--threads must be between 0 and 256, got \(value)") }
    }

    /// The threads to use given a config's `threads` (nil: no config).
    func requested(config: Int? = nil) -> Int { value ?? config ?? Self.defaultValue }

    /// Applies the one thread rule (`ComputeThreadSetting`) and returns the worker count in force.
    @discardableResult
    func apply(config: Int? = nil) -> Int {
        ComputeThreadSetting.apply(requested(config: config))
        return ComputeThreadSetting.current
    }
}
