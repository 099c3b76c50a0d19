import Foundation
import XCTest

/// `rednas bench --machine` as a user runs it: the OpenBLAS core the process ends up with must be
/// one of the best tier this CPU runs (read independently from /proc/cpuinfo), and a hand-set
/// `OPENBLAS_CORETYPE` must stand.
final class OpenBLASCoreCLITests: XCTestCase {
    private func machine(_ environment: [String: String] = [:], unset: [String] = []) throws -> [String: Any] {
        let r = try CLIRunner.run(["bench", "--machine", "--json"], environment: environment, unset: unset)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
    }

    /// The OpenBLAS cores (Debian 0.3.21 names) of the best instruction-set tier the flags allow.
    private func bestCores(flags: Set<String>) -> Set<String> {
        if ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"].allSatisfy(flags.contains) {
            return ["SkylakeX", "Cooperlake", "SapphireRapids"]
        }
        if flags.contains("avx2") && flags.contains("fma") { return ["Haswell", "Zen"] }
        if flags.contains("avx") { return ["Sandybridge"] }
        return ["Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Opteron", "Opteron_SSE3", "Barcelona", "Bobcat"]
    }

    func testCoreMatchesWhatTheCPUSupportsWithTheVariableUnset() throws {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flagsLine = try XCTUnwrap(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") })
        let flags = Set(flagsLine.split(separator: ":").last!.split(separator: " ").map(String.init))
        let o = try machine(unset: ["OPENBLAS_CORETYPE", "REDNAS_OPENBLAS_CORETYPE"])
        let core = try XCTUnwrap(o["openblas_core"] as? String)
        XCTAssertTrue(bestCores(flags: flags).contains(core), "core \(core) for flags \(flags.sorted())")
        XCTAssertTrue(["openblas", "rednas"].contains(o["openblas_core_source"] as? String), "\(o)")
        XCTAssertFalse((o["cpu_model"] as? String ?? "").isEmpty)
        XCTAssertFalse((o["kernels"] as? String ?? "").isEmpty)
    }

    func testHandSetCoreTypeIsNeverOverridden() throws {
        let o = try machine(["OPENBLAS_CORETYPE": "Prescott"], unset: ["REDNAS_OPENBLAS_CORETYPE"])
        XCTAssertEqual(o["openblas_core"] as? String, "Prescott")
        XCTAssertEqual(o["openblas_core_source"] as? String, "user")
    }
}

/// `REDNAS_ISA` selects the kernel variant; a value the CPU cannot run, or no variant at all, is
/// refused with a message naming the variable.
final class KernelVariantCLITests: XCTestCase {
    func testPortableVariantIsReportedAndBadValuesAreRefused() throws {
        let portable = try CLIRunner.run(["bench", "--machine", "--json"], environment: ["REDNAS_ISA": "portable"])
        XCTAssertEqual(portable.status, 0, portable.stderr)
        let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(portable.stdout.utf8)) as? [String: Any])
        XCTAssertTrue((o["kernels"] as? String ?? "").hasSuffix("direct3x3 portable, vectors portable"), "\(o)")

        let unknown = try CLIRunner.run(["bench", "--machine"], environment: ["REDNAS_ISA": "avx9"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("REDNAS_ISA='avx9' is not a kernel variant"), unknown.stderr)

        let flags = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8).split(separator: "\n")
            .first { $0.hasPrefix("flags") }.map { Set($0.split(separator: " ").map(String.init)) } ?? []
        if !flags.contains("avx512f") {
            let avx512 = try CLIRunner.run(["bench", "--machine"], environment: ["REDNAS_ISA": "avx512"])
            XCTAssertEqual(avx512.status, 2)
            XCTAssertTrue(avx512.stderr.contains("this CPU cannot run the avx512 kernels"), avx512.stderr)
        }
    }
}
