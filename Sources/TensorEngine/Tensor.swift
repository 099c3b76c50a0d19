/// A dense float32 tensor with value semantics.
///
/// `data` is row-major: the last index varies fastest, so a 4-D tensor is NCHW
/// (`[batch, channels, height, width]`). Copies share storage until one is mutated (copy-on-write
/// of `Array`), so passing tensors around is cheap.
public struct Tensor: Equatable, Codable, Sendable, CustomStringConvertible {
    /// Extent of each dimension; `[]` is a scalar holding one value.
    public private(set) var shape: [Int]
    /// The values in row-major order. Invariant: `data.count == shape.reduce(1, *)`; mutate
    /// values in place, never the count (not checked on every write, to keep in-place updates free).
    public var data: [Float]

    /// A tensor of `shape` holding `data`. Precondition: `data.count` is the product of `shape`.
    public init(shape: [Int], data: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in shape \(shape)")
        precondition(data.count == Tensor.count(of: shape),
                     "shape \(shape) needs \(Tensor.count(of: shape)) values, got \(data.count)")
        self.shape = shape
        self.data = data
    }

    /// A tensor of `shape` with every value `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, data: [Float](repeating: value, count: Tensor.count(of: shape)))
    }

    /// A tensor of `shape` whose values are unspecified: for kernels that store every element.
    public static func uninitialized(_ shape: [Int]) -> Tensor {
        let count = Tensor.count(of: shape)
        // Skips the zero fill of `init(repeating:)`: a full write pass over a buffer about to be
        // overwritten anyway. Float has no invalid bit patterns, so unspecified values are safe.
        let data = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        return Tensor(shape: shape, data: data)
    }

    /// A scalar (shape `[]`).
    public init(scalar: Float) { self.init(shape: [], data: [scalar]) }

    /// Zeros of `shape`.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }

    /// Number of values (product of the shape).
    public var count: Int { data.count }

    /// Number of dimensions.
    public var rank: Int { shape.count }

    /// The single value of a one-element tensor.
    public var scalar: Float {
        precondition(count == 1, "scalar needs a one-element tensor, shape is \(shape)")
        return data[0]
    }

    /// The same values viewed with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor { Tensor(shape: newShape, data: data) }

    /// Value at a multi-index (slow; for tests and debugging, not kernels).
    public subscript(_ index: Int...) -> Float {
        get { data[offset(of: index)] }
        set { data[offset(of: index)] = newValue }
    }

    /// Row-major offset of a full multi-index.
    public func offset(of index: [Int]) -> Int {
        precondition(index.count == shape.count, "index \(index) does not match shape \(shape)")
        var offset = 0
        for (i, extent) in zip(index, shape) {
            precondition(i >= 0 && i < extent, "index \(index) out of range for shape \(shape)")
            offset = offset * extent + i
        }
        return offset
    }

    /// Number of values a tensor of `shape` holds: the product of its extents (1 for `[]`).
    ///
    /// - Parameter shape: Extent of each dimension.
    /// - Returns: `shape.reduce(1, *)`.
    public static func count(of shape: [Int]) -> Int { shape.reduce(1, *) }

    /// The shape and up to the first 8 values, followed by `…` when there are more.
    public var description: String {
        let preview = data.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), data: [\(preview)\(count > 8 ? ", …" : "")])"
    }
}
