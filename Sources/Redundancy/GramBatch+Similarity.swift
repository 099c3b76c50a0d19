import TensorEngine

extension GramBatch {
    /// HSIC of every pair of appended layers, L × L row-major (symmetric).
    ///
    /// Unbiased (spec §2), with T = tr(K̃L̃) and P = 1ᵀK̃L̃1:
    ///     HSIC_u = [T + (1ᵀK̃1)(1ᵀL̃1)/((n−1)(n−2)) − 2P/(n−2)] / (n(n−3))
    /// Biased: tr(K_c L_c)/(n−1)².
    /// All T come from one GEMM of the stacked Grams (L × n²)·(n² × L) — block by block when the
    /// Grams were spilled to a file — and all P from (L × n)·(n × L). Complexity O(L²n²).
    /// - Throws: `RedundancyError.gramSpillFailed` if spilled Grams cannot be read back.
    public func hsicMatrix() throws -> [Double] {
        let layers = layerCount, n = sampleCount, nn = Double(n)
        guard layers > 0 else { return [] }
        let traces = try spill.map { try Self.blockedTraces($0, blockLayers: (residentLimit! + 1) / 2) }
            ?? Self.gramOfRows(grams, rows: layers, length: n * n)
        var hsic = [Double](repeating: 0, count: layers * layers)
        switch estimator {
        case .biased:
            let scale = 1 / ((nn - 1) * (nn - 1))
            for i in 0..<layers {
                for j in i..<layers { hsic[i * layers + j] = traces[i * layers + j] * scale }
            }
        case .unbiased:
            let products = Self.gramOfRows(rowSums, rows: layers, length: n)
            let totalScale = 1 / ((nn - 1) * (nn - 2)), productScale = 2 / (nn - 2), norm = 1 / (nn * (nn - 3))
            for i in 0..<layers {
                for j in i..<layers {
                    let ij = i * layers + j
                    hsic[ij] = (traces[ij] + totals[i] * totals[j] * totalScale - productScale * products[ij]) * norm
                }
            }
        }
        // Mirror the upper triangle: GEMM need not round (i, j) and (j, i) identically.
        for i in 0..<layers {
            for j in 0..<i { hsic[i * layers + j] = hsic[j * layers + i] }
        }
        return hsic
    }

    /// Linear CKA of every pair: HSIC(X,Y)/sqrt(HSIC(X,X)·HSIC(Y,Y)).
    /// An entry is NaN when either self-HSIC is ≤ 0 (degenerate features); the diagonal is exactly 1
    /// for non-degenerate layers and NaN for degenerate ones.
    /// - Throws: `RedundancyError.gramSpillFailed` if spilled Grams cannot be read back.
    public func similarityMatrix() throws -> SimilarityMatrix {
        let layers = layerCount
        let hsic = try hsicMatrix()
        var values = [Double](repeating: .nan, count: layers * layers)
        for i in 0..<layers {
            let hii = hsic[i * layers + i]
            guard hii > 0 else { continue }
            values[i * layers + i] = 1
            for j in 0..<layers where j != i {
                let hjj = hsic[j * layers + j]
                guard hjj > 0 else { continue }
                values[i * layers + j] = hsic[i * layers + j] / (hii * hjj).squareRoot()
            }
        }
        return SimilarityMatrix(uncheckedCount: layers, values: values)
    }

    /// The upper triangle (j ≥ i) of tr(K_i K_j) for every pair of spilled Grams, L × L row-major,
    /// reading `blockLayers` Grams at a time: each block of rows against itself and every later block.
    private static func blockedTraces(_ spill: GramSpill, blockLayers: Int) throws -> [Double] {
        let layers = spill.count, length = spill.gramLength
        var out = [Double](repeating: 0, count: layers * layers)
        var rows = [Double](repeating: 0, count: blockLayers * length)
        var columns = [Double](repeating: 0, count: blockLayers * length)
        var block = [Double](repeating: 0, count: blockLayers * blockLayers)
        for i0 in stride(from: 0, to: layers, by: blockLayers) {
            let iRange = i0..<min(layers, i0 + blockLayers)
            try rows.withUnsafeMutableBufferPointer { try spill.read(iRange, into: $0) }
            for j0 in stride(from: i0, to: layers, by: blockLayers) {
                let jRange = j0..<min(layers, j0 + blockLayers)
                if j0 != i0 { try columns.withUnsafeMutableBufferPointer { try spill.read(jRange, into: $0) } }
                rows.withUnsafeBufferPointer { a in
                    (j0 == i0 ? rows : columns).withUnsafeBufferPointer { b in
                        block.withUnsafeMutableBufferPointer { c in
                            BLAS.dgemm(transB: true, m: iRange.count, n: jRange.count, k: length, a: a.baseAddress!,
                                       lda: length, b: b.baseAddress!, ldb: length, c: c.baseAddress!, ldc: jRange.count)
                        }
                    }
                }
                for (bi, i) in iRange.enumerated() {
                    for (bj, j) in jRange.enumerated() { out[i * layers + j] = block[bi * jRange.count + bj] }
                }
            }
        }
        return out
    }

    /// A·Aᵀ for A = `rows` × `length` row-major: the dot product of every pair of rows.
    private static func gramOfRows(_ a: [Double], rows: Int, length: Int) -> [Double] {
        var out = [Double](repeating: 0, count: rows * rows)
        a.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                BLAS.dgemm(transB: true, m: rows, n: rows, k: length, a: src.baseAddress!, lda: length,
                           b: src.baseAddress!, ldb: length, c: dst.baseAddress!, ldc: rows)
            }
        }
        return out
    }
}
