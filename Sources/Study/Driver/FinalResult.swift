import Foundation
import Persistence
import RunModel

/// `result.json` of a final re-training: the answer re-trained under the study's final protocol
/// with one training seed, scored on the test split.
package struct FinalResult: Codable, Equatable {
    package var arch: String
    package var index: Int
    package var seed: Int
    package var metrics: CandidateMetrics

    package static let fileName = "result.json"

    /// The result in `folder`, or nil when that re-training has not finished.
    package static func load(from folder: URL) throws -> FinalResult? {
        let url = folder.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do { return try JSONStyle.decoder().decode(FinalResult.self, from: Data(contentsOf: url)) } catch {
            throw StudyError.damaged(path: url.path, detail: "unreadable final result (\(error)); delete it to re-train")
        }
    }

    package func save(in folder: URL) throws {
        try AtomicFile.write(try JSONStyle.document(self), to: folder.appendingPathComponent(Self.fileName))
    }
}
