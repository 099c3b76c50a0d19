#if canImport(Glibc)
import Glibc
#endif

/// The machine and kernels a computation ran on, for benchmark output and run records.
public struct ComputeEnvironment: Sendable, Equatable, Codable {
    /// `/proc/cpuinfo` "model name" (e.g. "AMD EPYC"), or the CPUID vendor when not readable.
    public var cpuModel: String
    /// CPUID vendor, display family and model ("AuthenticAMD 25/17").
    public var cpuSignature: String
    /// The core OpenBLAS runs (`openblas_get_corename()`).
    public var openblasCore: String
    /// Who decided it: "openblas", "user" (OPENBLAS_CORETYPE) or "rednas" (re-executed with it).
    public var openblasCoreSource: String
    /// The vector kernels RedNAS's own loops run (see `KernelSet`).
    public var kernels: String

    /// The environment of this process.
    public static func current(environment: [String: String]) -> ComputeEnvironment {
        let cpu = CPUDescription.current()
        return ComputeEnvironment(cpuModel: modelName() ?? cpu.vendor,
                                  cpuSignature: "\(cpu.vendor) \(cpu.family)/\(cpu.model)",
                                  openblasCore: OpenBLASCore.current,
                                  openblasCoreSource: OpenBLASCoreSelection.source(environment: environment).rawValue,
                                  kernels: KernelSet.active.name)
    }

    /// One line: "CPU AMD EPYC (AuthenticAMD 25/17); OpenBLAS core Zen (openblas); kernels avx2".
    public var summary: String {
        "CPU \(cpuModel) (\(cpuSignature)); OpenBLAS core \(openblasCore) (chosen by \(openblasCoreSource)); kernels \(kernels)"
    }

    private static func modelName() -> String? {
        #if os(Linux)
        guard let file = fopen("/proc/cpuinfo", "r") else { return nil }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line)
            if text.hasPrefix("model name"), let colon = text.firstIndex(of: ":") {
                return String(text[text.index(after: colon)...]).trimmingCharacters(in: " \t\n")
            }
        }
        #endif
        return nil
    }
}

extension String {
    fileprivate func trimmingCharacters(in characters: String) -> String {
        let set = Set(characters)
        guard let first = firstIndex(where: { !set.contains($0) }), let last = lastIndex(where: { !set.contains($0) })
        else { return "" }
        return String(self[first...last])
    }
}
