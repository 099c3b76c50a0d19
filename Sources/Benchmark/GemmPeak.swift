import TensorEngine

/// The machine's practical single-precision peak: OpenBLAS sgemm on square matrices.
package enum GemmPeak {
    /// GFLOP/s (2·n³ per call) of `BLAS.sgemm` n×n×n with `threads` OpenBLAS threads; restores the
    /// previous OpenBLAS thread count afterwards.
    package static func measure(size n: Int = 2048, threads: Int, stopwatch: Stopwatch = .init(warmup: 1, minimumRuns: 5, minimumSeconds: 1))
        -> (median: Double, minimum: Double, maximum: Double) {
        let previous = BLAS.threads
        BLAS.threads = threads
        defer { BLAS.threads = previous }
        let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        let timing = c.withUnsafeMutableBufferPointer { cBuffer in
            stopwatch.measure {
                BLAS.sgemm(m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: cBuffer.baseAddress!, ldc: n)
            }
        }
        return timing.rate(items: 2 * Double(n * n * n) / 1e9)
    }
}
