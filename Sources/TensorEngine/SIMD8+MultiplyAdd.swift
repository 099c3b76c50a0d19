/// The kernels' multiply-add.
///
/// Swift does not contract `s += a * b` into a fused multiply-add, so the SIMD kernels spent two
/// instructions (and, in the direct and small-product kernels, most of their issue slots) per
/// multiply-add. Builds for FMA hardware (`REDNAS_FMA`, set by Package.swift together with the
/// Haswell code generation) use one fused instruction, rounded once; the portable build
/// keeps the multiply and the add, since without FMA hardware `addingProduct` is a library call.
/// So the two builds differ in rounding; each is deterministic.
extension SIMD8 where Scalar == Float {
    /// Whether `addProduct` is one fused multiply-add (rounded once) in this build.
    static var multiplyAddIsFused: Bool {
        #if REDNAS_FMA
        true
        #else
        false
        #endif
    }

    /// self += a · b (fused where the build targets FMA hardware).
    @inline(__always)
    mutating func addProduct(_ a: Self, _ b: Self) {
        #if REDNAS_FMA
        self = addingProduct(a, b)
        #else
        self += a * b
        #endif
    }
}
