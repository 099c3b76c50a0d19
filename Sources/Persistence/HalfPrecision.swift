/// Conversions from the 16-bit float formats a safetensors file may hold to Float.
///
/// Written out bit by bit rather than with `Float16`, which Swift does not offer on every platform
/// (macOS on x86-64 lacks it); both conversions are exact (every f16 and bf16 value is a Float).
public enum HalfPrecision {
    /// IEEE 754 binary16 (1 sign, 5 exponent, 10 fraction bits) → Float, subnormals, ±∞ and NaN included.
    @inline(__always)
    public static func float(fromHalfBits h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = UInt32(h >> 10) & 0x1F
        let fraction = UInt32(h & 0x3FF)
        switch exponent {
        case 0:
            // Zero or subnormal: fraction · 2⁻²⁴, exact in Float.
            let magnitude = Float(fraction) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | (fraction << 13))
        default:
            return Float(bitPattern: sign | ((exponent + 112) << 23) | (fraction << 13))
        }
    }

    /// bfloat16 (the upper 16 bits of a Float) → Float.
    @inline(__always)
    public static func float(fromBFloat16Bits b: UInt16) -> Float {
        Float(bitPattern: UInt32(b) << 16)
    }

    /// `count` little-endian elements of `dtype` (F32, F16 or BF16) at `source` → Float, in place of
    /// a typed load (the bytes need not be aligned). Complexity O(count).
    public static func decode(_ source: UnsafeRawBufferPointer, dtype: SafeTensors.DType,
                              into destination: UnsafeMutableBufferPointer<Float>) {
        let count = destination.count
        precondition(source.count == count * dtype.byteSize, "decode: \(source.count) bytes for \(count) \(dtype.rawValue) values")
        switch dtype {
        case .f32:
            for i in 0..<count {
                destination[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
        case .f16:
            for i in 0..<count {
                destination[i] = float(fromHalfBits: UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        case .bf16:
            for i in 0..<count {
                destination[i] = float(fromBFloat16Bits: UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        default:
            preconditionFailure("decode: \(dtype.rawValue) is not a 32- or 16-bit float type")
        }
    }
}

extension SafeTensors.DType {
    /// The dtypes `HalfPrecision.decode` widens to Float.
    public var isDecodableAsFloat: Bool { self == .f32 || self == .f16 || self == .bf16 }
}
