#if canImport(Glibc)
import Glibc
#endif

/// Makes OpenBLAS use the best kernels the CPU runs (see `OpenBLASCore`): when it fell back to a
/// lower tier and the user did not set `OPENBLAS_CORETYPE`, the process re-executes itself once
/// with the variable set (OpenBLAS reads it only while loading).
public enum OpenBLASCoreSelection {
    /// OpenBLAS's override variable; a value the user set is never changed.
    public static let coreTypeVariable = "OPENBLAS_CORETYPE"
    /// Set (to the requested core) alongside `OPENBLAS_CORETYPE` by the re-execution: it tells the
    /// new process that RedNAS chose the core and keeps it from re-executing again.
    public static let markerVariable = "REDNAS_OPENBLAS_CORETYPE"

    /// Who decided the core OpenBLAS runs.
    public enum Source: String, Sendable, Codable {
        /// OpenBLAS's own detection.
        case openblas
        /// The user's `OPENBLAS_CORETYPE`.
        case user
        /// RedNAS's re-execution with `OPENBLAS_CORETYPE` set.
        case rednas
    }

    /// Who decided the core, given the process environment.
    public static func source(environment: [String: String]) -> Source {
        guard let requested = environment[coreTypeVariable] else { return .openblas }
        return environment[markerVariable] == requested ? .rednas : .user
    }

    /// The core to re-execute with, or nil. Pure: never when `OPENBLAS_CORETYPE` is set (by the
    /// user, or by an earlier re-execution) or the marker is present (so a library that ignores
    /// the request cannot cause a loop); otherwise `OpenBLASCore.preferredCore`.
    public static func coreToRequest(environment: [String: String], cpu: CPUDescription, current: String,
                                     available: Set<String>) -> String? {
        guard environment[coreTypeVariable] == nil, environment[markerVariable] == nil else { return nil }
        return OpenBLASCore.preferredCore(cpu: cpu, current: current, available: available)
    }

    /// Re-executes this program (`/proc/self/exe`, same arguments) with `OPENBLAS_CORETYPE` set
    /// when `coreToRequest` asks for a core; returns when it does not, or when the execution fails
    /// (the process then goes on with OpenBLAS's choice). Call first thing in `main`, before any
    /// thread or output exists.
    public static func reexecuteIfBetterCoreExists(environment: [String: String]) {
        #if os(Linux)
        guard let core = coreToRequest(environment: environment, cpu: .current(), current: OpenBLASCore.current,
                                       available: OpenBLASCore.availableCores()) else { return }
        setenv(coreTypeVariable, core, 1)
        setenv(markerVariable, core, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Still here: the execution failed. Leave the variables out of children's environments.
        unsetenv(coreTypeVariable)
        #endif
    }
}
