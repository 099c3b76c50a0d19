/// Turns one C×H×W byte image into normalised Floats, applying an augmentation choice.
/// The fast path (`render`) works row by row through a 256-entry lookup table per channel;
/// `renderReference` builds the flipped and padded images explicitly and is the oracle for it.
public struct ImageRenderer: Sendable {
    /// The geometry of the images it renders.
    public let shape: ImageShape
    /// The per-channel normalisation it applies.
    public let normalization: Normalization
    private let table: [Float]

    /// A renderer for images of `shape`, with one lookup table per channel.
    ///
    /// - Throws: ``DatasetError/invalidRequest(_:)`` when the normalisation's channel count differs from the shape's.
    public init(shape: ImageShape, normalization: Normalization) throws {
        guard normalization.mean.count == shape.channels else {
            throw DatasetError.invalidRequest("normalisation has \(normalization.mean.count) channels "
                + "but the images have \(shape.channels)")
        }
        self.shape = shape; self.normalization = normalization; table = normalization.lookupTable()
    }

    /// Writes `shape.volume` Floats for the image at `pixels[offset...]` into `out[outOffset...]`.
    /// Precondition (not checked): both ranges are in bounds. O(C·H·W), no allocation.
    public func render(_ pixels: UnsafeBufferPointer<UInt8>, offset: Int, choice: AugmentationChoice,
                       into out: UnsafeMutableBufferPointer<Float>, outOffset: Int) {
        let h = shape.height, w = shape.width
        table.withUnsafeBufferPointer { lut in
            for c in 0..<shape.channels {
                let lutC = lut.baseAddress! + c * 256
                let zero = lutC[0]
                let src = pixels.baseAddress! + offset + c * h * w
                let dst = out.baseAddress! + outOffset + c * h * w
                // Columns whose source lies inside the image: 0 ≤ x + cropLeft < w.
                let x0 = max(0, -choice.cropLeft), x1 = min(w, w - choice.cropLeft)
                for y in 0..<h {
                    let row = dst + y * w
                    let sy = y + choice.cropTop
                    guard sy >= 0 && sy < h, x0 < x1 else {
                        for x in 0..<w { row[x] = zero }
                        continue
                    }
                    for x in 0..<x0 { row[x] = zero }
                    for x in x1..<w { row[x] = zero }
                    let srcRow = src + sy * w
                    if choice.flip {
                        // Flipped image column sx reads original column w − 1 − sx.
                        let base = w - 1 - choice.cropLeft
                        for x in x0..<x1 { row[x] = lutC[Int(srcRow[base - x])] }
                    } else {
                        let shifted = srcRow + choice.cropLeft
                        for x in x0..<x1 { row[x] = lutC[Int(shifted[x])] }
                    }
                }
            }
        }
    }

    /// Reference: flip → zero-pad by P = max(|cropTop|, |cropLeft|) → crop at (P + cropTop,
    /// P + cropLeft) → scale and normalise each byte with `Normalization.value(of:channel:)`.
    public func renderReference(_ image: [UInt8], choice: AugmentationChoice) -> [Float] {
        let (c, h, w) = (shape.channels, shape.height, shape.width)
        let flipped = (0..<(c * h * w)).map { i -> UInt8 in
            let x = i % w
            return choice.flip ? image[i - x + (w - 1 - x)] : image[i]
        }
        let p = max(abs(choice.cropTop), abs(choice.cropLeft))
        let (ph, pw) = (h + 2 * p, w + 2 * p)
        var padded = [UInt8](repeating: 0, count: c * ph * pw)
        for ch in 0..<c { for y in 0..<h { for x in 0..<w {
            padded[(ch * ph + y + p) * pw + x + p] = flipped[(ch * h + y) * w + x]
        } } }
        var out: [Float] = []
        for ch in 0..<c { for y in 0..<h { for x in 0..<w {
            let byte = padded[(ch * ph + y + p + choice.cropTop) * pw + x + p + choice.cropLeft]
            out.append(normalization.value(of: byte, channel: ch))
        } } }
        return out
    }
}
