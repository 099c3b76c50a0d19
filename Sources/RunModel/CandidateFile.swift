import Foundation
import Persistence

/// `metrics.json` in a candidate folder: what the real evaluator measured for one candidate, with
/// the per-epoch history its learning curves are drawn from. The evaluator writes it once the
/// candidate is finished; readers (the report) go through `read(from:)`.
package struct CandidateFile: Codable, Equatable, Sendable {
    package static let fileName = "metrics.json"

    package var arch: String
    package var index: Int
    package var seed: UInt64
    package var metrics: CandidateMetrics
    package var training: TrainingResult
    /// CPU, OpenBLAS core and kernel set the candidate was trained with (the last session's, when
    /// training resumed); absent in files from before it was recorded.
    package var compute: TrainingMachine?

    package init(arch: String, index: Int, seed: UInt64, metrics: CandidateMetrics, training: TrainingResult,
                 compute: TrainingMachine? = nil) {
        self.arch = arch; self.index = index; self.seed = seed; self.metrics = metrics; self.training = training
        self.compute = compute
    }

    /// `epochs.jsonl` in a candidate folder: one `EpochMetrics` per line, appended as each epoch
    /// ends — the live view of a candidate still training (`metrics.json` is the finished record).
    package static let epochLogName = "epochs.jsonl"

    /// One line of `epochs.jsonl` (with its newline).
    package static func epochLogLine(_ epoch: EpochMetrics) throws -> Data {
        try JSONStyle.encoder(pretty: false).encode(epoch) + Data("\n".utf8)
    }

    /// The epochs logged in `folder` in epoch order; a later line for the same epoch (a candidate
    /// resumed from its checkpoint) replaces an earlier one, and undecodable lines (a torn last
    /// line while the file is written) are skipped. Empty when there is no log.
    package static func readEpochLog(from folder: URL) -> [EpochMetrics] {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent(epochLogName)) else { return [] }
        var byEpoch: [Int: EpochMetrics] = [:]
        let decoder = JSONStyle.decoder()
        for line in data.split(separator: UInt8(ascii: "\n")) {
            if let epoch = try? decoder.decode(EpochMetrics.self, from: Data(line)) { byEpoch[epoch.epoch] = epoch }
        }
        return byEpoch.keys.sorted().map { byEpoch[$0]! }
    }

    /// The file's bytes: a `JSONStyle` document (snake_case keys, `schema_version`).
    package func encoded() throws -> Data { try JSONStyle.document(self) }

    /// The `metrics.json` of candidate `folder`; nil when the folder has none.
    /// - Throws: the decoding error when the file exists but is not a candidate file.
    package static func read(from folder: URL) throws -> CandidateFile? {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent(fileName)) else { return nil }
        return try JSONStyle.decoder().decode(CandidateFile.self, from: data)
    }
}
