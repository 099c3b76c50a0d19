import ActivationFiles
import Foundation
import Persistence
import XCTest

/// Writes activation files in the real safetensors layout for the tests (via `SafeTensors.encoded`),
/// with 16-bit floats encoded here by hand, independently of the decoder under test.
enum ActivationFixture {
    struct Tap {
        var name: String
        var shape: [Int]
        var values: [Float]
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("activations-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `taps` in `dtype` with the format's metadata (taps in the given order unless `order` is set).
    @discardableResult
    static func write(_ taps: [Tap], to url: URL, dtype: SafeTensors.DType = .f32, batched: Bool = false,
                      labels: [String]? = nil, metadata: [String: String]? = nil) throws -> URL {
        let entries = taps.map { tap in
            SafeTensors.Entry(name: tap.name, dtype: dtype, shape: tap.shape, bytes: encode(tap.values, dtype))
        }
        let meta = metadata ?? ActivationFormat.metadata(taps: taps.map(\.name), labels: labels, batched: batched)
        // Reverse the entries so file order differs from tap order: the metadata, not the layout, fixes the order.
        try SafeTensors(entries: entries.reversed(), metadata: meta).encoded().write(to: url)
        return url
    }

    static func encode(_ values: [Float], _ dtype: SafeTensors.DType) -> Data {
        switch dtype {
        case .f32: return values.withUnsafeBytes { Data($0) }
        case .f16: return littleEndian(values.map(halfBits))
        case .bf16: return littleEndian(values.map(bfloat16Bits))
        default: fatalError("fixture dtype \(dtype)")
        }
    }

    private static func littleEndian(_ bits: [UInt16]) -> Data {
        var data = Data()
        for b in bits { data.append(UInt8(b & 0xFF)); data.append(UInt8(b >> 8)) }
        return data
    }

    /// binary16 bits of a value that is exactly representable as a normal half or zero (checked).
    static func halfBits(_ x: Float) -> UInt16 {
        if x == 0 { return 0 }
        let sign: UInt16 = x < 0 ? 0x8000 : 0
        let m = abs(x)
        let e = Int(floor(log2(m)))
        let fraction = (m / Float(sign: .plus, exponent: e, significand: 1) - 1) * 1024
        precondition(fraction == fraction.rounded() && (-14...15).contains(e), "\(x) is not an exact normal half")
        return sign | UInt16(e + 15) << 10 | UInt16(fraction)
    }

    /// bfloat16 bits of a value exactly representable in bfloat16 (checked).
    static func bfloat16Bits(_ x: Float) -> UInt16 {
        precondition(x.bitPattern & 0xFFFF == 0, "\(x) is not an exact bfloat16")
        return UInt16(x.bitPattern >> 16)
    }

    /// Deterministic values k/8, k ∈ −limit…limit: exact in F32, F16 and BF16 for limit ≤ 256.
    static func eighths(count: Int, seed: UInt64, limit: Int = 64) -> [Float] {
        var s = seed &* 6364136223846793005 &+ 1442695040888963407
        return (0..<count).map { _ in
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int((s >> 33) % UInt64(2 * limit + 1)) - limit) / 8
        }
    }

    /// Taps of a small "network": activations [n] + shape; a tap with the same shape as the previous
    /// one is that tap plus small noise (so neighbours are similar). Values stay exact eighths.
    static func network(samples n: Int, seed: UInt64, shapes: [[Int]] = [[3, 4, 4], [3, 4, 4], [6, 2, 2], [6, 2, 2]]) -> [Tap] {
        var taps: [Tap] = []
        for (l, shape) in shapes.enumerated() {
            let count = n * shape.reduce(1, *)
            var values = eighths(count: count, seed: seed &+ UInt64(l))
            if let previous = taps.last, previous.values.count == count {
                values = zip(previous.values, eighths(count: count, seed: seed &+ 100 &+ UInt64(l), limit: 12)).map { $0 + $1 }
            }
            taps.append(Tap(name: "block\(l)", shape: [n] + shape, values: values))
        }
        return taps
    }
}
