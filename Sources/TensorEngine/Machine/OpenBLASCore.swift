import CKernels
import COpenBLAS

/// Which kernel set ("core") a DYNAMIC_ARCH OpenBLAS runs, and which one it should run.
///
/// OpenBLAS picks its core once, when the library is loaded, from the CPU model it recognises; on a
/// CPU model newer than the library it falls back to a generic SSE core ("Prescott") although the
/// library ships far faster kernels the CPU can run. The only override is the environment variable
/// `OPENBLAS_CORETYPE`, read at load time (`OpenBLASCoreSelection` applies it).
public enum OpenBLASCore {
    /// The core OpenBLAS is using in this process (`openblas_get_corename()`).
    public static var current: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

    /// OpenBLAS's build description (`openblas_get_config()`), e.g.
    /// "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64".
    public static var config: String { openblas_get_config().map { String(cString: $0) } ?? "" }

    /// Cores whose vector width decides the choice, by instruction-set tier: 0 SSE, 1 AVX,
    /// 2 AVX2 + FMA, 3 AVX-512 (OpenBLAS's names, compared case-insensitively).
    public static let tiers: [String: Int] = [
        "katmai": 0, "coppermine": 0, "northwood": 0, "prescott": 0, "banias": 0, "atom": 0, "core2": 0,
        "penryn": 0, "dunnington": 0, "nehalem": 0, "opteron": 0, "opteron_sse3": 0, "barcelona": 0,
        "bobcat": 0, "athlon": 0,
        "sandybridge": 1, "bulldozer": 1, "piledriver": 1, "steamroller": 1, "excavator": 1,
        "haswell": 2, "zen": 2,
        "skylakex": 3, "cooperlake": 3, "sapphirerapids": 3,
    ]

    /// The instruction-set tier of core `name`, nil for a name not in `tiers`.
    public static func tier(of name: String) -> Int? { tiers[name.lowercased()] }

    /// The cores `cpu` can run, best first (OpenBLAS's spelling of `OPENBLAS_CORETYPE` values).
    public static func runnableCores(on cpu: CPUDescription) -> [String] {
        var cores: [String] = []
        if cpu.has("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl") {
            if cpu.has("avx512_bf16", "avx512_fp16", "amx_tile") { cores.append("SapphireRapids") }
            if cpu.has("avx512_bf16") { cores.append("Cooperlake") }
            cores.append("SkylakeX")
        }
        if cpu.has("avx2", "fma") { cores += cpu.isAMD ? ["Zen", "Haswell"] : ["Haswell", "Zen"] }
        if cpu.has("avx") { cores.append("Sandybridge") }
        return cores
    }

    /// The core to request with `OPENBLAS_CORETYPE`, or nil to leave OpenBLAS's own choice.
    ///
    /// Pure: `cpu` is the processor, `current` the core OpenBLAS chose, `available` the cores the
    /// loaded library has kernels for (empty when it cannot switch, i.e. not a DYNAMIC_ARCH build).
    /// A core is requested only when the best runnable, available one is of a higher instruction-set
    /// tier than `current`; a core of the same tier (Zen vs Haswell) is OpenBLAS's call, and an
    /// unknown `current` name is left alone.
    public static func preferredCore(cpu: CPUDescription, current: String, available: Set<String>) -> String? {
        guard let currentTier = tier(of: current) else { return nil }
        let availableNames = Set(available.map { $0.lowercased() })
        guard let best = runnableCores(on: cpu).first(where: { availableNames.contains($0.lowercased()) }),
              let bestTier = tier(of: best), bestTier > currentTier else { return nil }
        return best
    }

    /// The cores of `tiers` the loaded library has sgemm kernels for (its exported
    /// `sgemm_kernel_<CORE>` symbols); empty when the build is not DYNAMIC_ARCH, since only such a
    /// build reads `OPENBLAS_CORETYPE`.
    public static func availableCores() -> Set<String> {
        guard config.contains("DYNAMIC_ARCH") else { return [] }
        let names = runnableSpellings
        return Set(names.filter { rednas_symbol_exists("sgemm_kernel_" + $0.uppercased()) != 0 })
    }

    private static let runnableSpellings = ["SapphireRapids", "Cooperlake", "SkylakeX", "Haswell", "Zen", "Sandybridge"]
}
