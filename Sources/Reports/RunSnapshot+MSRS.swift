import Foundation
import Persistence
import Redundancy
import RunModel
import Search

extension RunSnapshot {
    /// The measured MSRS of `record` from `msrs.json` in its candidate folder (for a reused result,
    /// the folder of the evaluation it reused). nil when there is no such file.
    /// - Throws: the decoding error when the file exists but is not an MSRS result.
    package func msrsResult(of record: EvaluationRecord) throws -> MSRSResult? {
        let source = record.reusedFrom.flatMap { n in records.first { $0.number == n } } ?? record
        let url = directory.candidate(number: source.number, index: source.index).appendingPathComponent("msrs.json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try JSONStyle.decoder().decode(MSRSResult.self, from: data)
    }
}
