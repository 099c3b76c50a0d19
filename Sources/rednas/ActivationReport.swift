import ActivationFiles
import ArgumentParser
import Foundation
import Persistence
import RedNASCore
import Reports

/// Printing of activation-file measurements (`msrs --activations`, `prune-plan`).
enum ActivationReport {
    /// The MSRSResult JSON (`JSONStyle`) with the measurement's labels, taps and files.
    static func resultObject(_ m: ActivationRedundancy, files: [String]) throws -> [String: Any] {
        var object = try JSONStyle.object(m.result)
        object["labels"] = m.labels
        object["taps"] = m.taps
        object["files"] = files
        object["pooling"] = m.reduction.rawValue
        object["samples"] = m.samples
        object["seconds"] = m.seconds
        return object
    }

    static func printJSON(_ object: [String: Any]) throws {
        print(try JSONStyle.text(object))
    }

    static func undefinedReason(_ result: MSRSResult) -> String {
        if case let .undefined(why) = result.score { return why }
        return ""
    }

    static func printMSRS(_ m: ActivationRedundancy, files: [String], json: Bool, heatmap: String?) throws {
        if let heatmap {
            guard m.result.cka != nil else {
                throw ValidationError("MSRS is undefined (\(undefinedReason(m.result))): no heatmap to draw")
            }
            let title = "Linear CKA between layers — MSRS \(String(format: "%.3f", m.result.msrs ?? .nan)), \(m.samples) samples"
            try AtomicFile.write(CKAHeatmap(result: m.result, labels: m.labels, title: title).svg(), to: URL(fileURLWithPath: heatmap))
        }
        if json { return try printJSON(resultObject(m, files: files)) }
        print("layers L = \(m.result.layers), pairs = \(m.result.pairs), batches used \(m.result.batchesUsed) of \(m.result.batchesSeen) "
              + "(\(m.samples) samples, \(m.reduction.rawValue), \(m.result.parameters.estimator.rawValue) CKA)")
        if let msrs = m.result.msrs, let norm = m.result.msrsNormalized {
            print(String(format: "MSRS %.4f  normalised %.4f  (%.2fs)", msrs, norm, m.seconds))
        } else {
            print("MSRS undefined: \(undefinedReason(m.result))")
        }
        if let adjacent = m.result.adjacent {
            print("adjacent CKA: " + zip(m.labels.dropLast(), adjacent).map { String(format: "%@→ %.3f", $0 as NSString, $1) }.joined(separator: ", "))
        }
        if let heatmap { print("heatmap: \(heatmap)") }
    }
}
