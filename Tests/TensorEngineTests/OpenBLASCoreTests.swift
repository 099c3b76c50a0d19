import TensorEngine
import XCTest

/// The OpenBLAS core decision over CPUs written down from their `/proc/cpuinfo` (vendor, family,
/// model, flags) and the cores Debian's OpenBLAS 0.3.21 (DYNAMIC_ARCH) ships sgemm kernels for.
final class OpenBLASCoreTests: XCTestCase {
    /// `sgemm_kernel_<CORE>` symbols of Debian's libopenblasp-r0.3.21.so among the x86-64 tiers ≥ AVX.
    let debian0321: Set<String> = ["Cooperlake", "SkylakeX", "Haswell", "Zen", "Sandybridge"]

    /// The Intel Xeon of issue 20: family 6 model 207 (Emerald Rapids), AVX-512 with BF16, FP16, AMX.
    let xeon207 = CPUDescription(vendor: "GenuineIntel", family: 6, model: 207, flags: [
        "sse2", "pni", "ssse3", "sse4_1", "sse4_2", "avx", "fma", "f16c", "avx2", "avx512f", "avx512dq",
        "avx512cd", "avx512bw", "avx512vl", "avx512_bf16", "avx512_fp16", "amx_tile",
    ])
    /// This project's build machine: AMD EPYC family 25 model 17 (Zen 4 under KVM without AVX-512).
    let epyc = CPUDescription(vendor: "AuthenticAMD", family: 25, model: 17, flags: [
        "sse2", "pni", "ssse3", "sse4_1", "sse4_2", "avx", "fma", "f16c", "avx2",
    ])
    let skylakeServer = CPUDescription(vendor: "GenuineIntel", family: 6, model: 85, flags: [
        "sse2", "pni", "ssse3", "sse4_1", "sse4_2", "avx", "fma", "avx2", "avx512f", "avx512dq", "avx512cd",
        "avx512bw", "avx512vl",
    ])
    let avxOnly = CPUDescription(vendor: "GenuineIntel", family: 6, model: 45, flags: ["sse2", "pni", "ssse3", "sse4_2", "avx"])
    let sseOnly = CPUDescription(vendor: "GenuineIntel", family: 6, model: 26, flags: ["sse2", "pni", "ssse3", "sse4_2"])
    /// AVX-512F alone (a Xeon Phi–like subset): SkylakeX kernels need BW/DQ/VL too.
    let avx512FOnly = CPUDescription(vendor: "GenuineIntel", family: 6, model: 87, flags: ["sse2", "avx", "fma", "avx2", "avx512f", "avx512cd"])

    func testDecisionTable() {
        let rows: [(CPUDescription, String, Set<String>, String?, String)] = [
            (xeon207, "Prescott", debian0321, "Cooperlake", "issue 20's fallback: best core Debian ships for BF16 AVX-512"),
            (xeon207, "Prescott", debian0321.union(["SapphireRapids"]), "SapphireRapids", "a newer OpenBLAS with SPR kernels"),
            (xeon207, "SkylakeX", debian0321, nil, "already an AVX-512 core: same tier, OpenBLAS's call"),
            (xeon207, "Haswell", debian0321, "Cooperlake", "AVX2 core on an AVX-512 CPU"),
            (xeon207, "Prescott", ["Haswell", "Zen"], "Haswell", "library without AVX-512 kernels"),
            (xeon207, "Prescott", [], nil, "not DYNAMIC_ARCH: nothing to switch to"),
            (skylakeServer, "Prescott", debian0321, "SkylakeX", "AVX-512 without BF16"),
            (skylakeServer, "SkylakeX", debian0321, nil, "recognised CPU"),
            (epyc, "Zen", debian0321, nil, "this machine: OpenBLAS's own choice stands"),
            (epyc, "Haswell", debian0321, nil, "Zen and Haswell are the same tier"),
            (epyc, "Prescott", debian0321, "Zen", "AMD fallback gets the Zen kernels"),
            (epyc, "Sandybridge", debian0321, "Zen", "AVX core on an AVX2 CPU"),
            (avxOnly, "Prescott", debian0321, "Sandybridge", "AVX CPU"),
            (avxOnly, "Sandybridge", debian0321, nil, "recognised AVX CPU"),
            (sseOnly, "Prescott", debian0321, nil, "nothing better than SSE to run"),
            (sseOnly, "Nehalem", debian0321, nil, "recognised SSE CPU"),
            (avx512FOnly, "Prescott", debian0321, "Haswell", "AVX-512F without BW/DQ/VL cannot run SkylakeX"),
            (xeon207, "SomeFutureCore", debian0321, nil, "unknown current core is left alone"),
            (xeon207, "PRESCOTT", ["cooperlake"], "Cooperlake", "names compare case-insensitively"),
        ]
        for (cpu, current, available, expected, why) in rows {
            XCTAssertEqual(OpenBLASCore.preferredCore(cpu: cpu, current: current, available: available), expected,
                           "\(cpu.vendor) \(cpu.family)/\(cpu.model), current \(current): \(why)")
        }
    }

    func testUserSettingIsNeverOverriddenAndReexecutionHappensOnce() {
        let fallback = (cpu: xeon207, current: "Prescott", available: debian0321)
        func request(_ environment: [String: String]) -> String? {
            OpenBLASCoreSelection.coreToRequest(environment: environment, cpu: fallback.cpu, current: fallback.current,
                                                available: fallback.available)
        }
        XCTAssertEqual(request([:]), "Cooperlake")
        XCTAssertEqual(request(["PATH": "/usr/bin"]), "Cooperlake")
        // The user's own value, even the fallback itself, stands.
        XCTAssertNil(request(["OPENBLAS_CORETYPE": "Prescott"]))
        // After one re-execution (the library ignored the request): no second one.
        XCTAssertNil(request(["REDNAS_OPENBLAS_CORETYPE": "Cooperlake"]))
        XCTAssertNil(request(["OPENBLAS_CORETYPE": "Cooperlake", "REDNAS_OPENBLAS_CORETYPE": "Cooperlake"]))
    }

    func testSourceOfTheCore() {
        XCTAssertEqual(OpenBLASCoreSelection.source(environment: [:]), .openblas)
        XCTAssertEqual(OpenBLASCoreSelection.source(environment: ["OPENBLAS_CORETYPE": "Prescott"]), .user)
        XCTAssertEqual(OpenBLASCoreSelection.source(environment: ["OPENBLAS_CORETYPE": "Cooperlake",
                                                                  "REDNAS_OPENBLAS_CORETYPE": "Cooperlake"]), .rednas)
        // The user changed the variable after RedNAS set it: the user's.
        XCTAssertEqual(OpenBLASCoreSelection.source(environment: ["OPENBLAS_CORETYPE": "Haswell",
                                                                  "REDNAS_OPENBLAS_CORETYPE": "Cooperlake"]), .user)
    }

    /// CPUID signatures of the two machines (lscpu's family/model), by the SDM's extended-field rules.
    func testDisplayFamilyAndModel() {
        XCTAssertTrue(CPUDescription.displayFamilyModel(signature: 0x000C_06F2) == (6, 207))
        XCTAssertTrue(CPUDescription.displayFamilyModel(signature: 0x00A1_0F11) == (25, 17))
        XCTAssertTrue(CPUDescription.displayFamilyModel(signature: 0x0005_0654) == (6, 85))
        XCTAssertTrue(CPUDescription.displayFamilyModel(signature: 0x0000_0F29) == (15, 2))
    }

    /// Vector features count only when XCR0 says the OS saves their registers.
    func testFlagsNeedOperatingSystemSupport() {
        let ecx: UInt32 = 1 << 28 | 1 << 12 | 1 << 20, ebx: UInt32 = 1 << 5 | 1 << 16 | 1 << 17 | 1 << 30 | 1 << 31
        let bf16: UInt32 = 1 << 5
        let full = CPUDescription.decodeFlags(leaf1ECX: ecx, leaf1EDX: 1 << 26, leaf7EBX: ebx, leaf7EDX: 0,
                                              leaf7Sub1EAX: bf16, xcr0: 0xE7)
        XCTAssertEqual(full, ["sse2", "sse4_2", "avx", "fma", "avx2", "avx512f", "avx512dq", "avx512bw", "avx512vl", "avx512_bf16"])
        let ymmOnly = CPUDescription.decodeFlags(leaf1ECX: ecx, leaf1EDX: 1 << 26, leaf7EBX: ebx, leaf7EDX: 0,
                                                 leaf7Sub1EAX: bf16, xcr0: 0x07)
        XCTAssertEqual(ymmOnly, ["sse2", "sse4_2", "avx", "fma", "avx2"])
        let none = CPUDescription.decodeFlags(leaf1ECX: ecx, leaf1EDX: 1 << 26, leaf7EBX: ebx, leaf7EDX: 0,
                                              leaf7Sub1EAX: bf16, xcr0: 0)
        XCTAssertEqual(none, ["sse2", "sse4_2"])
    }

    /// This process's CPUID reading agrees with the kernel's /proc/cpuinfo on the flags that decide.
    func testCurrentCPUMatchesProcCpuinfo() throws {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let lines = cpuinfo.split(separator: "\n")
        func field(_ name: String) -> String? {
            lines.first { $0.hasPrefix(name) }.flatMap { $0.split(separator: ":", maxSplits: 1).last }
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let flags = Set(try XCTUnwrap(field("flags")).split(separator: " ").map(String.init))
        let cpu = CPUDescription.current()
        XCTAssertEqual(cpu.vendor, field("vendor_id"))
        XCTAssertEqual(cpu.family, field("cpu family").flatMap { Int($0) })
        XCTAssertEqual(cpu.model, field("model").flatMap { Int($0) })
        for name in ["sse4_2", "avx", "fma", "avx2", "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16"] {
            XCTAssertEqual(cpu.flags.contains(name), flags.contains(name), name)
        }
    }
}
