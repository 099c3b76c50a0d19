/// Fully connected op via GEMM.
extension Graph {
    /// `x · weightᵀ + bias` for `x` [N, in], `weight` [out, in], `bias` [out] → [N, out].
    public func linear(_ x: Variable, weight: Variable, bias: Variable) -> Variable {
        let input = value(x), w = value(weight), b = value(bias)
        precondition(input.rank == 2 && w.rank == 2 && w.shape[1] == input.shape[1] && b.shape == [w.shape[0]],
                     "linear: x \(input.shape), weight \(w.shape), bias \(b.shape) do not fit [N,in], [out,in], [out]")
        let (n, inFeatures, outFeatures) = (input.shape[0], input.shape[1], w.shape[0])
        var out = Tensor.zeros([n, outFeatures])
        out.data.withUnsafeMutableBufferPointer { y in
            for r in 0..<n { for j in 0..<outFeatures { y[r * outFeatures + j] = b.data[j] } }
            BLAS.sgemm(transB: true, m: n, n: outFeatures, k: inFeatures, a: input.data, lda: inFeatures,
                       b: w.data, ldb: inFeatures, beta: 1, c: y.baseAddress!, ldc: outFeatures)
        }
        return record(out, inputs: [x, weight, bias]) { grad, g in
            if g.requiresGradient(x) {
                var dx = Tensor.zeros(input.shape)  // dX [N, in] = dY [N, out] · W [out, in]
                BLAS.sgemm(m: n, n: inFeatures, k: outFeatures, a: grad.data, lda: outFeatures,
                           b: w.data, ldb: inFeatures, c: &dx.data, ldc: inFeatures)
                g.accumulate(dx, into: x)
            }
            var dw = Tensor.zeros(w.shape)  // dW [out, in] = dYᵀ · X
            BLAS.sgemm(transA: true, m: outFeatures, n: inFeatures, k: n, a: grad.data, lda: outFeatures,
                       b: input.data, ldb: inFeatures, c: &dw.data, ldc: inFeatures)
            g.accumulate(dw, into: weight)
            var db = Tensor.zeros(b.shape)
            for r in 0..<n { for j in 0..<outFeatures { db.data[j] += grad.data[r * outFeatures + j] } }
            g.accumulate(db, into: bias)
        }
    }
}
