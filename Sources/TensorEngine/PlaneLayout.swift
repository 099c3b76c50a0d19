/// The [N, C, plane] view of an NCHW tensor used by per-channel kernels.
public struct PlaneLayout: Sendable {
    /// N, C, and H·W (values per (n, c) plane).
    public let batch, channels, planeSize: Int
    /// The layout of an NCHW tensor. Precondition: `shape` is 4-D, `[N, C, H, W]`.
    ///
    /// - Parameter shape: The tensor's shape, `[N, C, H, W]`.
    public init(shape: [Int]) {
        precondition(shape.count == 4, "expected [N, C, H, W], got \(shape)")
        (batch, channels, planeSize) = (shape[0], shape[1], shape[2] * shape[3])
    }
    /// Values that share one channel: N·H·W.
    public var valuesPerChannel: Int { batch * planeSize }
    /// Offset of plane (n, c).
    @inline(__always) public func plane(_ n: Int, _ c: Int) -> Int { (n * channels + c) * planeSize }
}
