import Foundation
import RunModel
import Search

extension RunSnapshot {
    /// Per-epoch histories from each finished candidate's `metrics.json` (`CandidateFile`), by
    /// candidate number; a reused result gets the history of the evaluation it reused. Candidates
    /// without the file (older runs, other evaluators) are absent; files that do not decode are
    /// named in `problems` (at most a few, then a count).
    package func epochHistories() -> (histories: [Int: [EpochMetrics]], problems: [String]) {
        var byFolder: [String: [EpochMetrics]] = [:]
        var histories: [Int: [EpochMetrics]] = [:]
        var bad: [String] = []
        let byNumber = Dictionary(records.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        for r in records {
            // A reused result's history is its source's (looked up here, not by `candidateFolder`'s scan).
            let source = r.reusedFrom.flatMap { byNumber[$0] } ?? r
            let folder = directory.candidate(number: source.candidateNumber, index: source.index)
            if let known = byFolder[folder.path] { histories[r.candidateNumber] = known; continue }
            do {
                guard let file = try CandidateFile.read(from: folder) else { continue }
                byFolder[folder.path] = file.training.history
                histories[r.candidateNumber] = file.training.history
            } catch {
                bad.append(folder.lastPathComponent + "/" + CandidateFile.fileName)
            }
        }
        var problems: [String] = []
        if !bad.isEmpty {
            problems.append("learning curves: unreadable " + bad.prefix(5).joined(separator: ", ")
                            + (bad.count > 5 ? " and \(bad.count - 5) more" : ""))
        }
        return (histories, problems)
    }
}
