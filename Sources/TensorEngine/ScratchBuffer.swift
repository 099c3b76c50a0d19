/// The kernels' working memory: one allocation of floats per call (or per chunk of a parallel
/// loop), freed when the body returns, optionally cut into consecutive parts. Uninitialised unless
/// asked for zeros: a kernel writes every value it reads back, or asks for `zeroed`.
enum ScratchBuffer {
    /// Runs `body` with `count` floats (at least one is allocated), zero when `zeroed`.
    @inline(__always)
    static func with<R>(_ count: Int, zeroed: Bool = false, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(1, count))
        defer { buffer.deallocate() }
        if zeroed { buffer.initialize(repeating: 0, count: count) }
        return body(buffer)
    }

    /// Runs `body` with three consecutive parts of `a`, `b` and `c` floats (uninitialised).
    @inline(__always)
    static func with<R>(_ a: Int, _ b: Int, _ c: Int,
                        _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> R) -> R {
        with(a + b + c) { buffer in body(buffer, buffer + a, buffer + a + b) }
    }
}
