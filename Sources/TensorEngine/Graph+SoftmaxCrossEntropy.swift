import Foundation

/// Fused softmax + cross-entropy loss.
extension Graph {
    /// Mean over the batch of −log softmax(logits)[label], for `logits` [N, classes] and one label
    /// in `0..<classes` per row. Returns the scalar loss and the number of rows whose argmax (first
    /// maximum on ties) equals the label. Backward: (softmax − onehot)/N, times the upstream gradient.
    public func softmaxCrossEntropy(logits: Variable, labels: [Int32]) -> (loss: Variable, correct: Int) {
        let z = value(logits)
        precondition(z.rank == 2 && z.shape[0] == labels.count,
                     "softmaxCrossEntropy: logits \(z.shape) need one row per label (\(labels.count))")
        let (n, classes) = (z.shape[0], z.shape[1])
        var probabilities = Tensor.zeros(z.shape)
        var total = 0.0
        var correct = 0
        z.data.withUnsafeBufferPointer { zs in
            probabilities.data.withUnsafeMutableBufferPointer { ps in
                for r in 0..<n {
                    let label = Int(labels[r])
                    precondition(label >= 0 && label < classes, "label \(label) at row \(r) outside 0..<\(classes)")
                    let row = zs.baseAddress! + r * classes
                    var best = 0
                    for j in 1..<max(classes, 1) where row[j] > row[best] { best = j }
                    if best == label { correct += 1 }
                    let top = Double(row[best])
                    var sum = 0.0
                    for j in 0..<classes { sum += Foundation.exp(Double(row[j]) - top) }
                    for j in 0..<classes { ps[r * classes + j] = Float(Foundation.exp(Double(row[j]) - top) / sum) }
                    total += Foundation.log(sum) + top - Double(row[label])
                }
            }
        }
        let loss = record(Tensor(scalar: Float(total / Double(n))), inputs: [logits]) { grad, g in
            var dz = probabilities
            let factor = grad.scalar / Float(n)
            for r in 0..<n { dz.data[r * classes + Int(labels[r])] -= 1 }
            dz.data.withUnsafeMutableBufferPointer { d in for i in d.indices { d[i] *= factor } }
            g.accumulate(dz, into: logits)
        }
        return (loss, correct)
    }
}
