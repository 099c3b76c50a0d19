import Foundation
import Persistence

/// One or more activation files (`ActivationFormat`), opened and validated, read lazily.
///
/// Opening reads only the headers: it checks every listed tensor exists, is a float tensor, has a
/// consistent shape and sample count, and that the files agree on the taps. Tensor bytes are read
/// one tap of one batch at a time by `features(batch:tap:)`.
package final class ActivationSet {
    /// One batch: a file and, for a batched file, the index along its batch axis.
    package struct Batch: Equatable, Sendable {
        package let file: Int
        package let index: Int
        /// n, the samples of this batch.
        package let sampleCount: Int
    }

    /// Tensor names in tap order (from the first file).
    package let taps: [String]
    /// Display labels, one per tap.
    package let labels: [String]
    /// Every batch in order: files in the order given, then the batch axis.
    package let batches: [Batch]
    /// The per-sample shape of each tap (C, …), identical in every file.
    package let sampleShapes: [[Int]]
    package let paths: [String]
    private let files: [SafeTensorsFile]
    private let batchedFiles: [Bool]

    /// Opens and validates `urls`. `minimumSamples` is the estimator's smallest batch (4 for unbiased CKA).
    /// - Throws: `ActivationError` naming the file and tensor at fault.
    package init(urls: [URL], minimumSamples: Int = 4) throws {
        guard !urls.isEmpty else { throw ActivationError.noFiles }
        var files: [SafeTensorsFile] = [], batches: [Batch] = [], batchedFiles: [Bool] = []
        var taps: [String] = [], labels: [String] = [], sampleShapes: [[Int]] = []
        for (fileIndex, url) in urls.enumerated() {
            let file: SafeTensorsFile
            do { file = try SafeTensorsFile(url: url) } catch {
                throw ActivationError.unreadable(file: url.path, detail: Self.message(error, path: url.path))
            }
            let path = url.path
            let meta = try ActivationFormat.parse(file.metadata, file: path)
            if fileIndex == 0 {
                (taps, labels) = (meta.taps, meta.labels)
            } else if meta.taps != taps {
                throw ActivationError.inconsistentFiles(file: path,
                    detail: "its taps \(Self.summary(meta.taps)) differ from those of \(urls[0].path), \(Self.summary(taps))")
            }
            let lead = meta.batched ? 2 : 1
            var batchCount: Int?, sampleCount: Int?
            for (t, name) in meta.taps.enumerated() {
                guard let d = file[name] else { throw ActivationError.missingTensor(file: path, tensor: name) }
                guard let dtype = d.dtype, dtype.isDecodableAsFloat else {
                    throw ActivationError.nonFloat(file: path, tensor: name, dtype: d.dtypeName)
                }
                guard d.shape.count >= lead + 1 else {
                    throw ActivationError.badShape(file: path, tensor: name, shape: d.shape, detail: meta.batched
                        ? "a batched file needs (batches, samples, channels, …)" : "an activation needs (samples, channels, …)")
                }
                guard d.shape.allSatisfy({ $0 >= 1 }) else {
                    throw ActivationError.badShape(file: path, tensor: name, shape: d.shape, detail: "every dimension must be ≥ 1")
                }
                if meta.batched {
                    if let b = batchCount, b != d.shape[0] {
                        throw ActivationError.badShape(file: path, tensor: name, shape: d.shape,
                            detail: "its batch axis has \(d.shape[0]) batches but '\(meta.taps[0])' has \(b)")
                    }
                    batchCount = d.shape[0]
                }
                let n = d.shape[lead - 1]
                if let expected = sampleCount, n != expected {
                    throw ActivationError.sampleCountMismatch(file: path, tensor: name, found: n, expected: expected, reference: meta.taps[0])
                }
                guard n >= minimumSamples else {
                    throw ActivationError.tooFewSamples(file: path, tensor: name, found: n, minimum: minimumSamples)
                }
                sampleCount = n
                let perSample = Array(d.shape.dropFirst(lead))
                if fileIndex == 0 {
                    sampleShapes.append(perSample)
                } else if perSample != sampleShapes[t] {
                    throw ActivationError.badShape(file: path, tensor: name, shape: d.shape,
                        detail: "its per-sample shape \(perSample) differs from \(sampleShapes[t]) in \(urls[0].path)")
                }
            }
            for b in 0..<(batchCount ?? 1) {
                batches.append(Batch(file: fileIndex, index: b, sampleCount: sampleCount!))
            }
            files.append(file)
            batchedFiles.append(meta.batched)
        }
        self.taps = taps
        self.labels = labels
        self.batches = batches
        self.sampleShapes = sampleShapes
        self.files = files
        self.batchedFiles = batchedFiles
        self.paths = urls.map(\.path)
    }

    /// Tap `tap` of `batch`: its values widened to Float (n × per-sample shape, C order) and shape [n] + per-sample.
    /// Memory: 4 bytes per element plus one read chunk.
    /// - Throws: `ActivationError.nonFinite` for a NaN/∞ value, `.unreadable` if the read fails.
    package func activation(batch: Batch, tap: Int) throws -> (values: [Float], shape: [Int]) {
        let file = files[batch.file], name = taps[tap], path = paths[batch.file]
        let perBatch = batch.sampleCount * sampleShapes[tap].reduce(1, *)
        let range = batchedFiles[batch.file] ? (batch.index * perBatch)..<((batch.index + 1) * perBatch) : 0..<perBatch
        let values: [Float]
        do { values = try file.readFloats(name, elements: range) } catch {
            throw ActivationError.unreadable(file: path, detail: Self.message(error, path: path))
        }
        if let bad = Self.firstNonFinite(values) {
            throw ActivationError.nonFinite(file: path, tensor: name, batch: batch.index, element: bad, value: values[bad])
        }
        return (values, [batch.sampleCount] + sampleShapes[tap])
    }

    /// Index of the first NaN or ±∞ (nil when all are finite). Scans in blocks so the common all-finite
    /// case is one vectorisable pass.
    static func firstNonFinite(_ values: [Float]) -> Int? {
        values.withUnsafeBufferPointer { v -> Int? in
            var start = 0
            while start < v.count {
                let end = min(v.count, start + 4096)
                var acc: Float = 0
                // x·0 is 0 for finite x and NaN for NaN/∞: one sum tells whether the block is clean.
                for i in start..<end { acc += v[i] * 0 }
                if acc != 0 || acc.isNaN {
                    return (start..<end).first { !v[$0].isFinite }
                }
                start = end
            }
            return nil
        }
    }

    private static func summary(_ taps: [String]) -> String {
        taps.count <= 4 ? "\(taps)" : "[\(taps.prefix(3).joined(separator: ", ")), … (\(taps.count))]"
    }

    /// A persistence error's text without the path (the ActivationError adds it).
    private static func message(_ error: Error, path: String) -> String {
        let text = (error as? LocalizedError)?.errorDescription ?? "\(error)"
        return text.hasPrefix(path + ": ") ? String(text.dropFirst(path.count + 2)) : text
    }
}
