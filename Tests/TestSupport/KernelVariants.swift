// Runs a check once per vector-kernel variant the CPU runs (TensorEngine's `KernelSet`), so that
// every instruction-set path is tested against the same oracle on the machine at hand.
import XCTest
import TensorEngine

/// The kernel variants this CPU runs, and a loop over them.
public enum KernelVariants {
    /// `swift`, `portable`, and `avx2` / `avx512` where the CPU has them (`KernelISA.runs(on:)`).
    public static var runnable: [KernelISA] {
        let cpu = CPUDescription.current()
        return KernelISA.allCases.filter { $0.runs(on: cpu) }
    }

    /// Runs `body` once with each runnable variant selected for every kernel family
    /// (`KernelSet(direct3x3: isa)`), then restores the selection. Asserts that the list is what
    /// the CPU's flags say, so that a machine with AVX-512 cannot silently skip that path.
    public static func runEach(file: StaticString = #filePath, line: UInt = #line, _ body: (KernelISA) throws -> Void)
        rethrows {
        let saved = KernelSet.active, cpu = CPUDescription.current()
        defer { KernelSet.select(saved) }
        let variants = runnable
        XCTAssertTrue(variants.contains(.portable), file: file, line: line)
        XCTAssertEqual(variants.contains(.avx2), cpu.has("avx2", "fma"), file: file, line: line)
        XCTAssertEqual(variants.contains(.avx512), cpu.has("avx512f", "avx2", "fma"), file: file, line: line)
        for isa in variants {
            KernelSet.select(KernelSet(direct3x3: isa))
            try body(isa)
        }
    }

    /// Runs `body` with `isa` selected for every kernel family, then restores the selection
    /// (checks of one variant's own properties, e.g. the Swift transforms' two paths).
    public static func run(_ isa: KernelISA, _ body: () throws -> Void) rethrows {
        let saved = KernelSet.active
        defer { KernelSet.select(saved) }
        KernelSet.select(KernelSet(direct3x3: isa))
        try body()
    }
}
