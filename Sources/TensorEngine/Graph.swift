/// The tape of one forward pass, with reverse-mode differentiation.
///
/// Every op appends its output to the tape, so tape order is a topological order. When the graph
/// is `recording`, an op whose inputs need gradients also stores a backward closure that captures
/// what its forward saved; `backward(_:)` walks the tape once in reverse, handing each node its
/// accumulated output gradient. A value used by several ops receives the sum of their gradients.
/// With `recording == false` (evaluation) ops compute values only and save nothing for backward.
///
/// One graph per forward pass; it is not thread-safe (kernels inside ops parallelise internally).
public final class Graph {
    /// Propagates a node's output gradient into the gradients of its inputs (via `accumulate`).
    public typealias Backward = (_ outputGradient: Tensor, _ graph: Graph) -> Void

    /// Whether ops record backward closures.
    public let isRecording: Bool

    private var values: [Tensor] = []
    private var needsGradient: [Bool] = []
    private var backwards: [Backward?] = []
    private var parameters: [Int: Parameter] = [:]
    private var gradients: [Tensor?] = []

    /// An empty tape.
    ///
    /// - Parameter recording: Whether ops record backward closures (`true` for training passes
    ///   that call `backward`, `false` for evaluation).
    public init(recording: Bool) { self.isRecording = recording }

    /// The value of `v`.
    public func value(_ v: Variable) -> Tensor { values[v.index] }

    /// Shape of `v`'s value.
    public func shape(_ v: Variable) -> [Int] { values[v.index].shape }

    /// Whether gradients flow into `v` (it depends on a parameter and the graph records).
    public func requiresGradient(_ v: Variable) -> Bool { needsGradient[v.index] }

    /// Number of nodes on the tape.
    public var nodeCount: Int { values.count }

    // MARK: Leaves

    /// A value that receives no gradient (inputs, labels-derived data, zeros).
    public func constant(_ tensor: Tensor) -> Variable {
        append(tensor, needsGradient: false, backward: nil)
    }

    /// A trainable leaf: `backward` adds this node's gradient into `parameter.grad`.
    public func parameter(_ parameter: Parameter) -> Variable {
        let v = append(parameter.value, needsGradient: isRecording, backward: nil)
        if isRecording { parameters[v.index] = parameter }
        return v
    }

    // MARK: Recording ops

    /// Appends an op's output. `backward` is called only when the graph records and at least one
    /// of `inputs` needs a gradient; it must route gradients with `accumulate(_:into:)`.
    public func record(_ output: Tensor, inputs: [Variable], backward: @escaping Backward) -> Variable {
        let needs = isRecording && inputs.contains { needsGradient[$0.index] }
        return append(output, needsGradient: needs, backward: needs ? backward : nil)
    }

    /// Adds `gradient` into `v`'s gradient (no-op when `v` needs none). Called by backward closures.
    public func accumulate(_ gradient: Tensor, into v: Variable) {
        guard needsGradient[v.index] else { return }
        precondition(gradient.shape == values[v.index].shape,
                     "gradient shape \(gradient.shape) does not match value shape \(values[v.index].shape)")
        if gradients[v.index] == nil {
            gradients[v.index] = gradient
        } else {
            gradients[v.index]!.add(gradient)
        }
    }

    /// Adds a gradient into `v` in place, without materialising it first: `write(buffer, add)` must
    /// add into the [shape of v] `buffer` when `add` is true, and otherwise store every element
    /// (the buffer is then uninitialised). No-op when `v` needs no gradient.
    public func accumulateInPlace(into v: Variable, _ write: (UnsafeMutablePointer<Float>, _ add: Bool) -> Void) {
        guard needsGradient[v.index] else { return }
        let add = gradients[v.index] != nil
        if !add { gradients[v.index] = Tensor.uninitialized(values[v.index].shape) }
        // (Copy-on-write: a gradient tensor shared with another node is copied before it is written.)
        gradients[v.index]!.data.withUnsafeMutableBufferPointer { write($0.baseAddress!, add) }
    }

    // MARK: Backward

    /// Reverse pass from a one-element `loss` (seed 1). Adds the gradient of every parameter leaf
    /// into its `Parameter.grad`. Call at most once per graph.
    public func backward(_ loss: Variable) {
        precondition(values[loss.index].count == 1, "backward needs a scalar loss, shape is \(shape(loss))")
        backward(from: loss, seed: Tensor(repeating: 1, shape: values[loss.index].shape))
    }

    /// Reverse pass from any node with an explicit output gradient `seed` (a vector–Jacobian
    /// product: parameters receive seedᵀ·∂output/∂parameter). Call at most once per graph.
    public func backward(from output: Variable, seed: Tensor) {
        precondition(isRecording, "backward needs a graph created with recording: true")
        precondition(seed.shape == values[output.index].shape,
                     "backward seed shape \(seed.shape) does not match output shape \(shape(output))")
        guard needsGradient[output.index] else { return }
        gradients[output.index] = seed
        for i in stride(from: output.index, through: 0, by: -1) {
            guard let gradient = gradients[i] else { continue }
            gradients[i] = nil  // free early: each node is visited once
            if let parameter = parameters[i] { parameter.grad.add(gradient) }
            backwards[i]?(gradient, self)
        }
        backwards.removeAll()
    }

    private func append(_ tensor: Tensor, needsGradient needs: Bool, backward: Backward?) -> Variable {
        values.append(tensor)
        needsGradient.append(needs)
        backwards.append(backward)
        gradients.append(nil)
        return Variable(index: values.count - 1)
    }
}
