import CKernels

/// Matrix products with a short inner dimension (or few rows and columns), computed in registers
/// without OpenBLAS's packing.
///
/// The Winograd products of the narrow layers multiply U[ξ] [rows, inner] by V[ξ] [inner, tiles]
/// with inner = 8–16 (and form dU[ξ] [rows, cols] from thousands of tiles; see
/// `Winograd4x4Kernels.multipliesInRegisters`): OpenBLAS first copies both operands
/// into its panel layout, which for such shapes costs about as long as the multiply, and it
/// cannot keep its kernel busy on K = 8. Here 4 rows × 16 columns (or 4 × 2 dot products) are
/// accumulated in 8 SIMD8 registers, so each broadcast or load feeds two multiply-adds and the
/// operands are read where they lie. Sums run in order over the inner index (dot products: per
/// lane, then across lanes), vector lanes with `addProduct` (fused where the build targets FMA
/// hardware), so results differ from OpenBLAS's in rounding only. Unless `KernelSet.active.vectors`
/// is `.swift`, the C kernels (`rednas_small_*`, the same blocks with 4, 8 or 16 lanes) run instead.
enum SmallProducts {
    typealias Vector = SIMD8<Float>

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    @inline(__always) static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }

    /// C [rows, cols] = A [rows, inner] · B [inner, cols], rows of A, B, C `lda`, `ldb`, `ldc`
    /// apart; `cols` a multiple of 8. Cost: rows · cols · inner multiply-adds, no extra memory.
    static func multiply(rows: Int, cols: Int, inner: Int, _ a: UnsafePointer<Float>, lda: Int,
                         _ b: UnsafePointer<Float>, ldb: Int, into c: UnsafeMutablePointer<Float>, ldc: Int) {
        precondition(cols % 8 == 0, "SmallProducts.multiply: columns must be a multiple of 8")
        let isa = KernelSet.active.vectors
        if isa != .swift {
            rednas_small_multiply(isa.cValue, rows, cols, inner, a, lda, b, ldb, c, ldc)
            return
        }
        var r = 0
        while r + 4 <= rows {
            let (a0, a1, a2, a3) = (a + r * lda, a + (r + 1) * lda, a + (r + 2) * lda, a + (r + 3) * lda)
            let (c0, c1, c2, c3) = (c + r * ldc, c + (r + 1) * ldc, c + (r + 2) * ldc, c + (r + 3) * ldc)
            var col = 0
            while col + 16 <= cols {  // 4 rows × 16 columns: 8 sums, 6 loads per 8 multiply-adds.
                var (s00, s01, s10, s11) = (Vector(), Vector(), Vector(), Vector())
                var (s20, s21, s30, s31) = (Vector(), Vector(), Vector(), Vector())
                for k in 0..<inner {
                    let (x0, x1) = (load(b + k * ldb + col), load(b + k * ldb + col + 8))
                    let (w0, w1) = (Vector(repeating: a0[k]), Vector(repeating: a1[k]))
                    let (w2, w3) = (Vector(repeating: a2[k]), Vector(repeating: a3[k]))
                    s00.addProduct(w0, x0); s01.addProduct(w0, x1); s10.addProduct(w1, x0); s11.addProduct(w1, x1)
                    s20.addProduct(w2, x0); s21.addProduct(w2, x1); s30.addProduct(w3, x0); s31.addProduct(w3, x1)
                }
                store(s00, c0 + col); store(s01, c0 + col + 8); store(s10, c1 + col); store(s11, c1 + col + 8)
                store(s20, c2 + col); store(s21, c2 + col + 8); store(s30, c3 + col); store(s31, c3 + col + 8)
                col += 16
            }
            if col < cols {  // 4 rows × the last 8 columns.
                var (s0, s1, s2, s3) = (Vector(), Vector(), Vector(), Vector())
                for k in 0..<inner {
                    let x = load(b + k * ldb + col)
                    s0.addProduct(Vector(repeating: a0[k]), x); s1.addProduct(Vector(repeating: a1[k]), x)
                    s2.addProduct(Vector(repeating: a2[k]), x); s3.addProduct(Vector(repeating: a3[k]), x)
                }
                store(s0, c0 + col); store(s1, c1 + col); store(s2, c2 + col); store(s3, c3 + col)
            }
            r += 4
        }
        while r < rows {  // The last 1–3 rows, one at a time.
            let (ar, cr) = (a + r * lda, c + r * ldc)
            for col in stride(from: 0, to: cols, by: 8) {
                var s = Vector()
                for k in 0..<inner { s.addProduct(Vector(repeating: ar[k]), load(b + k * ldb + col)) }
                store(s, cr + col)
            }
            r += 1
        }
    }

    /// C [rows, cols] += A [rows, inner] · B [cols, inner]ᵀ, rows of A, B, C `lda`, `ldb`, `ldc`
    /// apart. Each C entry gains one dot product: summed per lane over whole groups of 8 of the
    /// inner index, then across the lanes, then over the last `inner % 8` in order.
    /// Cost: rows · cols · inner multiply-adds, no extra memory.
    static func accumulateTransposed(rows: Int, cols: Int, inner: Int, _ a: UnsafePointer<Float>, lda: Int,
                                     _ b: UnsafePointer<Float>, ldb: Int, into c: UnsafeMutablePointer<Float>, ldc: Int) {
        let isa = KernelSet.active.vectors
        if isa != .swift {
            rednas_small_accumulate_transposed(isa.cValue, rows, cols, inner, a, lda, b, ldb, c, ldc)
            return
        }
        let whole = inner / 8 * 8
        @inline(__always) func tail(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ sum: Float) -> Float {
            var sum = sum
            for k in whole..<inner { sum += x[k] * y[k] }
            return sum
        }
        var r = 0
        while r + 4 <= rows {
            let (a0, a1, a2, a3) = (a + r * lda, a + (r + 1) * lda, a + (r + 2) * lda, a + (r + 3) * lda)
            var col = 0
            while col + 2 <= cols {  // 4 × 2 dot products: 8 sums, 6 loads per 8 multiply-adds.
                let (b0, b1) = (b + col * ldb, b + (col + 1) * ldb)
                var (s00, s01, s10, s11) = (Vector(), Vector(), Vector(), Vector())
                var (s20, s21, s30, s31) = (Vector(), Vector(), Vector(), Vector())
                for k in stride(from: 0, to: whole, by: 8) {
                    let (x0, x1) = (load(b0 + k), load(b1 + k))
                    let (w0, w1, w2, w3) = (load(a0 + k), load(a1 + k), load(a2 + k), load(a3 + k))
                    s00.addProduct(w0, x0); s01.addProduct(w0, x1); s10.addProduct(w1, x0); s11.addProduct(w1, x1)
                    s20.addProduct(w2, x0); s21.addProduct(w2, x1); s30.addProduct(w3, x0); s31.addProduct(w3, x1)
                }
                c[r * ldc + col] += tail(a0, b0, s00.sum()); c[r * ldc + col + 1] += tail(a0, b1, s01.sum())
                c[(r + 1) * ldc + col] += tail(a1, b0, s10.sum()); c[(r + 1) * ldc + col + 1] += tail(a1, b1, s11.sum())
                c[(r + 2) * ldc + col] += tail(a2, b0, s20.sum()); c[(r + 2) * ldc + col + 1] += tail(a2, b1, s21.sum())
                c[(r + 3) * ldc + col] += tail(a3, b0, s30.sum()); c[(r + 3) * ldc + col + 1] += tail(a3, b1, s31.sum())
                col += 2
            }
            if col < cols {
                for rr in r..<(r + 4) { c[rr * ldc + col] += dot(a + rr * lda, b + col * ldb, inner) }
            }
            r += 4
        }
        while r < rows {
            for col in 0..<cols { c[r * ldc + col] += dot(a + r * lda, b + col * ldb, inner) }
            r += 1
        }
    }

    /// Σ x[k] · y[k] for k < count, summed as `accumulateTransposed` sums.
    @inline(__always)
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ count: Int) -> Float {
        let whole = count / 8 * 8
        var s = Vector()
        for k in stride(from: 0, to: whole, by: 8) { s.addProduct(load(x + k), load(y + k)) }
        var sum = s.sum()
        for k in whole..<count { sum += x[k] * y[k] }
        return sum
    }
}
