/// Row copies shared by the convolution kernels' gathers and scatters, one image row at a time
/// (SIMD8 with a scalar tail): a plain or rectified copy, batch norm's affine map, and a store that
/// masks and accumulates.
enum Rows {
    typealias Vector = SIMD8<Float>

    /// dst[0..<count] = row (or += row when `accumulate`), zero where `mask` ≤ 0.
    @inline(__always)
    static func store(_ row: UnsafePointer<Float>, count: Int, mask: UnsafePointer<Float>?, accumulate: Bool,
                      into dst: UnsafeMutablePointer<Float>) {
        var i = 0
        if let mask {
            while i + 8 <= count {
                let v = loadVector(row + i).replacing(with: 0, where: loadVector(mask + i) .<= 0)
                storeVector(accumulate ? loadVector(dst + i) + v : v, dst + i)
                i += 8
            }
            while i < count {
                let v = mask[i] > 0 ? row[i] : 0
                dst[i] = accumulate ? dst[i] + v : v
                i += 1
            }
        } else if accumulate {
            while i + 8 <= count { storeVector(loadVector(dst + i) + loadVector(row + i), dst + i); i += 8 }
            while i < count { dst[i] += row[i]; i += 1 }
        } else {
            copy(row, count: count, rectify: false, into: dst)
        }
    }

    /// dst[0..<count] = src (or relu(src) when `rectify`). Rows are short (one image row): a call
    /// to memmove per row cost more than the copy.
    @inline(__always)
    static func copy(_ src: UnsafePointer<Float>, count: Int, rectify: Bool, into dst: UnsafeMutablePointer<Float>) {
        var i = 0
        if rectify {
            // Not `pointwiseMax`: the standard library leaves that generic call out of line.
            while i + 8 <= count {
                let v = loadVector(src + i)
                storeVector(v.replacing(with: 0, where: v .< 0), dst + i)
                i += 8
            }
            while i < count { dst[i] = max(src[i], 0); i += 1 }
        } else {
            while i + 8 <= count { storeVector(loadVector(src + i), dst + i); i += 8 }
            while i < count { dst[i] = src[i]; i += 1 }
        }
    }

    /// dst[0..<count] = a·src + b·z + c, evaluated as `FusedBatchNormKernels` does (same bits).
    @inline(__always)
    static func affine(_ src: UnsafePointer<Float>, _ z: UnsafePointer<Float>, count: Int,
                       _ k: (a: Float, b: Float, c: Float), into dst: UnsafeMutablePointer<Float>) {
        let (a, b, c) = (Vector(repeating: k.a), Vector(repeating: k.b), Vector(repeating: k.c))
        var i = 0
        while i + 8 <= count { storeVector(a * loadVector(src + i) + b * loadVector(z + i) + c, dst + i); i += 8 }
        while i < count { dst[i] = k.a * src[i] + k.b * z[i] + k.c; i += 1 }
    }

    @inline(__always) private static func loadVector(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    @inline(__always) private static func storeVector(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }
}
