import Foundation
import Persistence

/// Generated activation files of a chosen size, for the benchmark (`rednas bench-activations`).
///
/// Each tap is the previous one of its width plus fresh noise (x_l = x_{l−1} + 0.5·u, u uniform in
/// [−1, 1]), so neighbouring taps are similar and distant ones less so, as in a trained network.
/// Written one tensor at a time: generating a file needs memory for two taps, not the file.
package enum SyntheticActivations {
    /// Writes one activation file: `taps` tensors, tap l of shape [n] + `sampleShape(l)`, in `dtype`
    /// (F32 or BF16). The generator state continues across calls through `seed`.
    package static func write(to url: URL, samples n: Int, taps: Int, dtype: SafeTensors.DType,
                             seed: UInt64, sampleShape: (Int) -> [Int]) throws {
        precondition(dtype == .f32 || dtype == .bf16, "synthetic activations are F32 or BF16")
        let names = (0..<taps).map { String(format: "tap%03d", $0) }
        let headers = names.indices.map {
            SafeTensorsFile.TensorHeader(name: names[$0], dtype: dtype, shape: [n] + sampleShape($0))
        }
        var state = seed | 1
        var previous: [Float] = []
        try SafeTensorsFile.write(to: url, tensors: headers, metadata: ActivationFormat.metadata(taps: names)) { l in
            let count = headers[l].shape.reduce(1, *)
            var x = previous.count == count ? previous : [Float](repeating: 0, count: count)
            let scale: Float = previous.count == count ? 0.5 : 1
            for i in 0..<count {
                // xorshift64*: fast and good enough for benchmark data.
                state ^= state >> 12; state ^= state << 25; state ^= state >> 27
                let u = Float((state &* 0x2545_F491_4F6C_DD1D) >> 40) * 0x1p-23 - 1
                x[i] += scale * u
            }
            previous = x
            switch dtype {
            case .bf16:
                var bits = [UInt16](repeating: 0, count: count)
                for i in 0..<count {
                    // Round to nearest even on the 16 dropped bits (values are finite).
                    let b = x[i].bitPattern
                    bits[i] = UInt16((b &+ 0x7FFF &+ ((b >> 16) & 1)) >> 16).littleEndian
                }
                return bits.withUnsafeBytes { Data($0) }
            default:
                return x.withUnsafeBytes { Data($0) }
            }
        }
    }
}
