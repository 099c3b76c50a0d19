import CKernels
import Foundation
import TensorEngine

/// The process's compute set-up as the CLI sees it: OpenBLAS's core and RedNAS's kernels.
package enum ComputeSetup {
    /// Start-up, first thing in `main`: stops with a message when the build needs AVX2 + FMA and
    /// the CPU lacks them (instead of an illegal instruction later); re-executes the process with
    /// `OPENBLAS_CORETYPE` set when OpenBLAS fell back to a lower instruction-set tier than the CPU
    /// and the library support (`OpenBLASCoreSelection`); selects the kernel variants
    /// (`REDNAS_ISA`, else the CPU's best; a bad value stops with a message).
    package static func prepare() {
        let environment = ProcessInfo.processInfo.environment
        // Checked in C (compiled for any x86-64): TensorEngine's own code may use AVX2.
        if KernelSet.buildNeedsAVX2 && rednas_cpu_runs_avx2_fma() == 0 {
            fail("this rednas was built for CPUs with AVX2 and FMA, which this CPU lacks; "
                 + "build it with REDNAS_PORTABLE=1 (see README, Development)")
        }
        OpenBLASCoreSelection.reexecuteIfBetterCoreExists(environment: environment)
        do {
            KernelSet.select(try KernelSet.resolve(environment: environment, cpu: .current()))
        } catch {
            fail(error.description)
        }
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        exit(2)
    }

    /// This process's CPU, OpenBLAS core and kernel set.
    package static var environment: ComputeEnvironment {
        ComputeEnvironment.current(environment: ProcessInfo.processInfo.environment)
    }

    /// `environment.summary`.
    package static var summary: String { environment.summary }

    /// `environment` as one JSON object line (sorted keys).
    package static var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return (try? encoder.encode(environment)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
