import CKernels
import Synchronization

/// The instruction sets RedNAS's vector kernels come in.
///
/// The Swift kernels (SIMD8) are compiled once, for the build's target: Haswell (AVX2 + FMA) when
/// the building machine has it, else baseline x86-64 (`REDNAS_PORTABLE=1`, or a machine without
/// AVX2). The C kernels (`CKernels`) are compiled in every variant — portable, AVX2 + FMA,
/// AVX-512F — and one is chosen at run time (`KernelSet.select`). C variants exist for the direct
/// 3×3 convolution (`Direct3x3Kernels`, the ≤ 8-channel layers) and for the vector kernels
/// (`KernelSet.vectors`: the small products and the F(4×4, 3×3) Winograd tile transforms); the
/// other loops are Swift only.
public enum KernelISA: String, Sendable, CaseIterable, Codable {
    /// The Swift SIMD8 kernel as this build compiled it.
    case swift
    /// C, baseline x86-64 (SSE2) vectors, separate multiply and add.
    case portable
    /// C, 8-float AVX2 vectors with fused multiply-adds.
    case avx2
    /// C, 16-float AVX-512F vectors with fused multiply-adds.
    case avx512

    /// Whether `cpu` can run this variant (`swift`: whether it runs the build's target).
    public func runs(on cpu: CPUDescription) -> Bool {
        switch self {
        case .swift: KernelSet.buildNeedsAVX2 ? cpu.has("avx2", "fma") : true
        case .portable: true
        case .avx2: cpu.has("avx2", "fma")
        case .avx512: cpu.has("avx512f", "avx2", "fma")
        }
    }

    /// The `CKernels` constant of a C variant.
    var cValue: Int32 {
        switch self {
        case .swift, .portable: Int32(REDNAS_ISA_PORTABLE)
        case .avx2: Int32(REDNAS_ISA_AVX2)
        case .avx512: Int32(REDNAS_ISA_AVX512)
        }
    }
}

/// The vector kernels this process runs: the Swift kernels' build target, the direct 3×3
/// convolution's variant and the variant of the other vector kernels.
public struct KernelSet: Sendable, Equatable {
    /// The variant of the direct 3×3 convolution.
    public var direct3x3: KernelISA
    /// The variant of the small products (`SmallProducts`) and the F(4×4, 3×3) Winograd tile
    /// transforms (`Winograd4x4Kernels`; with a C variant, the transforms always go through the
    /// patch runs).
    public var vectors: KernelISA

    /// A set with `direct3x3` for the direct convolution and `vectors` (default: the same) for the
    /// other vector kernels.
    public init(direct3x3: KernelISA, vectors: KernelISA? = nil) {
        self.direct3x3 = direct3x3
        self.vectors = vectors ?? direct3x3
    }

    /// "avx2-fma" when the Swift kernels were compiled for Haswell-class CPUs, else "portable".
    public static var swiftTarget: String { buildNeedsAVX2 ? "avx2-fma" : "portable" }

    /// Whether the Swift kernels were compiled for AVX2 + FMA (`REDNAS_FMA`): such a binary stops
    /// with an illegal instruction on a CPU without them.
    public static var buildNeedsAVX2: Bool {
        #if REDNAS_FMA
        true
        #else
        false
        #endif
    }

    /// "swift avx2-fma, direct3x3 avx512, vectors avx512".
    public var name: String {
        "swift \(Self.swiftTarget), direct3x3 \(direct3x3.rawValue), vectors \(vectors.rawValue)"
    }

    /// The default for `cpu`, for every kernel family: AVX-512 where it runs; on AVX2 CPUs the
    /// Swift kernels when the build targets AVX2 (the faster there, measured on the EPYC: see
    /// PERFORMANCE.md), else the C AVX2 variants; the portable C variants elsewhere.
    public static func preferred(on cpu: CPUDescription) -> KernelSet {
        if KernelISA.avx512.runs(on: cpu) { return KernelSet(direct3x3: .avx512) }
        if KernelISA.avx2.runs(on: cpu) { return KernelSet(direct3x3: buildNeedsAVX2 ? .swift : .avx2) }
        return KernelSet(direct3x3: .portable)
    }

    /// The kernel set from `REDNAS_ISA` ("swift", "portable", "avx2", "avx512") when given, else
    /// `preferred(on:)`; throws when the value is unknown or names a variant `cpu` cannot run.
    public static func resolve(environment: [String: String], cpu: CPUDescription) throws(KernelSetError) -> KernelSet {
        guard let requested = environment["REDNAS_ISA"] else { return preferred(on: cpu) }
        guard let isa = KernelISA(rawValue: requested) else { throw .unknown(requested) }
        guard isa.runs(on: cpu) else { throw .unsupported(isa) }
        return KernelSet(direct3x3: isa)
    }

    /// The set in force, packed as `code`; -1 until chosen.
    private static let stored = Atomic<Int>(-1)

    private var code: Int {
        KernelISA.allCases.firstIndex(of: direct3x3)! + KernelISA.allCases.count * KernelISA.allCases.firstIndex(of: vectors)!
    }

    private init(code: Int) {
        let count = KernelISA.allCases.count
        self.init(direct3x3: KernelISA.allCases[code % count], vectors: KernelISA.allCases[code / count])
    }

    /// The kernel set in force: set by `select`, else `preferred(on: .current())`.
    public static var active: KernelSet {
        let code = stored.load(ordering: .relaxed)
        if code >= 0 { return KernelSet(code: code) }
        let chosen = preferred(on: .current())
        stored.store(chosen.code, ordering: .relaxed)
        return chosen
    }

    /// Makes `set` the kernels in force (start-up, and tests running every variant the CPU runs).
    /// Precondition: the CPU runs `set` (`KernelISA.runs(on:)`); not concurrently with kernels.
    public static func select(_ set: KernelSet) {
        stored.store(set.code, ordering: .relaxed)
    }
}

/// A `REDNAS_ISA` value that cannot be used.
public enum KernelSetError: Error, Equatable, CustomStringConvertible {
    /// Not one of the variant names.
    case unknown(String)
    /// A variant this CPU cannot run.
    case unsupported(KernelISA)

    /// The message for the user.
    public var description: String {
        switch self {
        case .unknown(let value):
            "REDNAS_ISA='\(value)' is not a kernel variant; use one of \(KernelISA.allCases.map(\.rawValue).joined(separator: ", "))"
        case .unsupported(let isa):
            "REDNAS_ISA='\(isa.rawValue)': this CPU cannot run the \(isa.rawValue) kernels"
        }
    }
}
