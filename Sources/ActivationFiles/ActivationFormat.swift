import Foundation

/// The activation file format (README, "Redundancy of your own model").
///
/// A `.safetensors` file with one tensor per tapped layer and these `__metadata__` strings:
/// - `taps`    (required): a JSON array of tensor names in tap order, e.g. `["conv1", "layer1.0", …]`.
/// - `labels`  (optional): a JSON array of display labels, one per tap (default: the names).
/// - `batched` (optional): `"true"` when every tensor has a leading batch axis, (B, n, C, …);
///   otherwise each tensor is one batch, (n, C, …).
/// - `format`  (optional): `"rednas-activations/1"`; any other value is rejected.
/// Tensors are F32, F16 or BF16, C order, sample-major with channels on the axis after the samples;
/// every tap of a batch has the same n. Several files are several batches, in the order given
/// (all must list the same taps with the same per-sample shapes). Tensors not listed are ignored.
package enum ActivationFormat {
    package static let formatKey = "format"
    package static let formatValue = "rednas-activations/1"
    package static let tapsKey = "taps"
    package static let labelsKey = "labels"
    package static let batchedKey = "batched"

    /// The metadata a writer puts in a file.
    package static func metadata(taps: [String], labels: [String]? = nil, batched: Bool = false) -> [String: String] {
        func json(_ strings: [String]) -> String {
            String(decoding: try! JSONSerialization.data(withJSONObject: strings), as: UTF8.self)
        }
        var m = [formatKey: formatValue, tapsKey: json(taps)]
        if let labels { m[labelsKey] = json(labels) }
        if batched { m[batchedKey] = "true" }
        return m
    }

    /// The taps, labels and batch flag of a file's metadata.
    /// - Throws: `ActivationError.badMetadata` naming the key at fault.
    static func parse(_ metadata: [String: String], file: String) throws -> (taps: [String], labels: [String], batched: Bool) {
        if let format = metadata[formatKey], format != formatValue {
            throw ActivationError.badMetadata(file: file, key: formatKey, detail: "is \"\(format)\", expected \"\(formatValue)\"")
        }
        guard let tapsText = metadata[tapsKey] else {
            throw ActivationError.badMetadata(file: file, key: tapsKey,
                detail: "is missing: it must list the tapped tensors in order as a JSON array of names")
        }
        let taps = try stringArray(tapsText, key: tapsKey, file: file)
        guard taps.count >= 2 else {
            throw ActivationError.badMetadata(file: file, key: tapsKey, detail: "lists \(taps.count) tensor(s); MSRS needs at least 2 layers")
        }
        if let duplicate = Dictionary(grouping: taps, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw ActivationError.badMetadata(file: file, key: tapsKey, detail: "lists '\(duplicate)' twice")
        }
        var labels = taps
        if let labelsText = metadata[labelsKey] {
            labels = try stringArray(labelsText, key: labelsKey, file: file)
            guard labels.count == taps.count else {
                throw ActivationError.badMetadata(file: file, key: labelsKey, detail: "has \(labels.count) labels for \(taps.count) taps")
            }
        }
        let batched: Bool
        switch metadata[batchedKey] {
        case nil, "false": batched = false
        case "true": batched = true
        case let other?: throw ActivationError.badMetadata(file: file, key: batchedKey, detail: "is \"\(other)\", expected \"true\" or \"false\"")
        }
        return (taps, labels, batched)
    }

    private static func stringArray(_ text: String, key: String, file: String) throws -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)), let strings = object as? [String] else {
            throw ActivationError.badMetadata(file: file, key: key, detail: "is not a JSON array of strings: \(text.prefix(80))")
        }
        return strings
    }
}
