import COpenBLAS

/// The engine's only door to OpenBLAS. Everything else calls these wrappers, so a different
/// BLAS (or a hand-written kernel) can be swapped in here alone.
///
/// Matrices are row-major. `C = alpha · op(A) · op(B) + beta · C` with op(A) m×k, op(B) k×n, C m×n.
public enum BLAS {
    /// Threads OpenBLAS may use for one call. Set once per process (or per phase), not per call.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// Single-precision GEMM (row-major). Complexity O(m·n·k).
    ///
    /// With `beta` 0, C is cleared here and OpenBLAS is asked for C += A·B: its own β pass (which
    /// the ZEN build runs one float at a time) is slow on the small Winograd products, and `memset`
    /// does the same job in a fraction of the time. The result is the same bits.
    @inline(__always)
    public static func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        var beta = beta
        if beta == 0 && m > 0 && n > 0 {
            if ldc == n {
                c.update(repeating: 0, count: m * n)
            } else {
                for row in 0..<m { (c + row * ldc).update(repeating: 0, count: n) }
            }
            beta = 1
        }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Double-precision GEMM (row-major). Complexity O(m·n·k).
    @inline(__always)
    public static func dgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                             alpha: Double = 1, a: UnsafePointer<Double>, lda: Int,
                             b: UnsafePointer<Double>, ldb: Int,
                             beta: Double = 0, c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
