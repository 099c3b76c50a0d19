import CKernels

/// What a CPU is and which instruction-set features it (and the operating system) supports.
///
/// Feature names are Linux's `/proc/cpuinfo` flag names ("avx2", "fma", "avx512f", "avx512_bf16",
/// ...), so a description can be written down from any machine's cpuinfo for tests.
public struct CPUDescription: Sendable, Equatable {
    /// CPUID vendor string: "GenuineIntel", "AuthenticAMD", ... (empty when unknown).
    public var vendor: String
    /// Display family and model (base + extended fields, as `lscpu` prints them).
    public var family: Int
    /// Display model (base + extended model), e.g. 207 for family 6 model 0xCF.
    public var model: Int
    /// Usable features: a vector feature is listed only when the OS saves its registers.
    public var flags: Set<String>

    /// A description from its parts.
    public init(vendor: String, family: Int, model: Int, flags: Set<String>) {
        self.vendor = vendor; self.family = family; self.model = model; self.flags = flags
    }

    /// Whether every feature in `features` is present.
    public func has(_ features: String...) -> Bool { features.allSatisfy(flags.contains) }

    /// True for AMD (and Hygon) CPUs.
    public var isAMD: Bool { vendor == "AuthenticAMD" || vendor == "HygonGenuine" }

    /// The CPU running this process, read with CPUID and XGETBV (empty flags off x86).
    public static func current() -> CPUDescription {
        var regs: [UInt32] = [0, 0, 0, 0]
        func cpuid(_ leaf: UInt32, _ subleaf: UInt32 = 0) -> (eax: UInt32, ebx: UInt32, ecx: UInt32, edx: UInt32) {
            _ = regs.withUnsafeMutableBufferPointer { rednas_cpuid(leaf, subleaf, $0.baseAddress!) }
            return (regs[0], regs[1], regs[2], regs[3])
        }
        let leaf0 = cpuid(0)
        let vendor = String(decoding: [leaf0.ebx, leaf0.edx, leaf0.ecx].flatMap { word in
            (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) }
        }.filter { $0 != 0 }, as: UTF8.self)
        let leaf1 = cpuid(1)
        let (family, model) = displayFamilyModel(signature: leaf1.eax)
        let leaf7 = leaf0.eax >= 7 ? cpuid(7) : (0, 0, 0, 0)
        let leaf7s1 = leaf0.eax >= 7 ? cpuid(7, 1) : (0, 0, 0, 0)
        let xcr0 = rednas_xcr0()
        return CPUDescription(vendor: vendor, family: family, model: model,
                              flags: decodeFlags(leaf1ECX: leaf1.ecx, leaf1EDX: leaf1.edx, leaf7EBX: leaf7.1,
                                                 leaf7EDX: leaf7.3, leaf7Sub1EAX: leaf7s1.0, xcr0: xcr0))
    }

    /// Display family and model from CPUID.1:EAX (Intel SDM / AMD APM rules).
    public static func displayFamilyModel(signature eax: UInt32) -> (family: Int, model: Int) {
        let baseFamily = Int((eax >> 8) & 0xF), baseModel = Int((eax >> 4) & 0xF)
        let family = baseFamily == 0xF ? baseFamily + Int((eax >> 20) & 0xFF) : baseFamily
        let model = baseFamily == 0x6 || baseFamily == 0xF ? baseModel + (Int((eax >> 16) & 0xF) << 4) : baseModel
        return (family, model)
    }

    /// Feature names from the CPUID registers, keeping vector features only where XCR0 says the
    /// OS saves their state (YMM for AVX/AVX2/FMA, ZMM + opmask for AVX-512).
    public static func decodeFlags(leaf1ECX: UInt32, leaf1EDX: UInt32, leaf7EBX: UInt32, leaf7EDX: UInt32,
                                   leaf7Sub1EAX: UInt32, xcr0: UInt64) -> Set<String> {
        func bit(_ value: UInt32, _ n: UInt32) -> Bool { value & (1 << n) != 0 }
        let ymm = xcr0 & 0x6 == 0x6, zmm = ymm && xcr0 & 0xE0 == 0xE0
        var flags: Set<String> = []
        let table: [(String, Bool, Bool)] = [
            ("sse2", bit(leaf1EDX, 26), true), ("pni", bit(leaf1ECX, 0), true), ("ssse3", bit(leaf1ECX, 9), true),
            ("sse4_1", bit(leaf1ECX, 19), true), ("sse4_2", bit(leaf1ECX, 20), true),
            ("avx", bit(leaf1ECX, 28), ymm), ("fma", bit(leaf1ECX, 12), ymm), ("f16c", bit(leaf1ECX, 29), ymm),
            ("avx2", bit(leaf7EBX, 5), ymm),
            ("avx512f", bit(leaf7EBX, 16), zmm), ("avx512dq", bit(leaf7EBX, 17), zmm),
            ("avx512cd", bit(leaf7EBX, 28), zmm), ("avx512bw", bit(leaf7EBX, 30), zmm),
            ("avx512vl", bit(leaf7EBX, 31), zmm), ("avx512_fp16", bit(leaf7EDX, 23), zmm),
            ("amx_tile", bit(leaf7EDX, 24), zmm), ("avx512_bf16", bit(leaf7Sub1EAX, 5), zmm),
        ]
        for (name, present, enabled) in table where present && enabled { flags.insert(name) }
        return flags
    }
}
