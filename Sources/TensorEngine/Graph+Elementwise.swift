/// Element-wise ops: addition, n-ary sum, scaling, ReLU, zeros.
extension Graph {
    /// `a + b`, same shape.
    public func add(_ a: Variable, _ b: Variable) -> Variable { sum(of: [a, b]) }

    /// Element-wise sum of one or more same-shaped values in one pass (a cell node summing its
    /// incoming edges). Backward hands the output gradient to every term unchanged.
    public func sum(of terms: [Variable]) -> Variable {
        precondition(!terms.isEmpty, "sum(of:) needs at least one term")
        let shape = self.shape(terms[0])
        for t in terms { precondition(self.shape(t) == shape, "sum(of:): shapes \(shape) and \(self.shape(t)) differ") }
        var out = value(terms[0])
        for t in terms.dropFirst() { out.add(value(t)) }
        return record(out, inputs: terms) { grad, g in
            for t in terms { g.accumulate(grad, into: t) }
        }
    }

    /// `factor · x`.
    public func scale(_ x: Variable, by factor: Float) -> Variable {
        record(value(x).scaled(by: factor), inputs: [x]) { grad, g in
            g.accumulate(grad.scaled(by: factor), into: x)
        }
    }

    /// `max(x, 0)`; the gradient at exactly 0 is taken as 0 (as PyTorch).
    public func relu(_ x: Variable) -> Variable {
        let input = value(x)
        var out = input
        out.data.withUnsafeMutableBufferPointer { o in
            // A select, not a branch: signs of activations are unpredictable.
            for i in o.indices { o[i] = o[i] > 0 ? o[i] : 0 }
        }
        return record(out, inputs: [x]) { grad, g in
            var dx = grad
            dx.data.withUnsafeMutableBufferPointer { d in
                input.data.withUnsafeBufferPointer { xin in
                    for i in d.indices { d[i] = xin[i] > 0 ? d[i] : 0 }
                }
            }
            g.accumulate(dx, into: x)
        }
    }

    /// A constant of zeros (the NATS `none` operation).
    public func zeros(_ shape: [Int]) -> Variable { constant(.zeros(shape)) }
}
