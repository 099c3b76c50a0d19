/// The machine a candidate was trained on, as its `metrics.json` records it: the CPU, the OpenBLAS
/// core and the vector kernels RedNAS ran (the training side fills it from its compute environment;
/// this module knows nothing of tensors).
package struct TrainingMachine: Codable, Equatable, Sendable {
    /// The CPU's model name (e.g. "AMD EPYC 7763 64-Core Processor").
    package var cpuModel: String
    /// CPUID vendor, family and model ("AuthenticAMD 25/17").
    package var cpuSignature: String
    /// The core OpenBLAS ran.
    package var openblasCore: String
    /// Who chose that core: "openblas", "user" (OPENBLAS_CORETYPE) or "rednas".
    package var openblasCoreSource: String
    /// RedNAS's own kernel set ("avx2", "avx512", "portable").
    package var kernels: String

    package init(cpuModel: String, cpuSignature: String, openblasCore: String, openblasCoreSource: String, kernels: String) {
        self.cpuModel = cpuModel; self.cpuSignature = cpuSignature; self.openblasCore = openblasCore
        self.openblasCoreSource = openblasCoreSource; self.kernels = kernels
    }
}
