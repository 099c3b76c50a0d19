import CellSpace
import Evolution
import Foundation
import Persistence
import XCTest
@testable import RunModel
@testable import Search

/// A run directory whose disk fills up: journal appends fail with ENOSPC after `appendsBeforeFull`.
private final class FillingStore: RunStore {
    let run: RunDirectory
    var appendsBeforeFull: Int
    init(_ run: RunDirectory, appendsBeforeFull: Int) { self.run = run; self.appendsBeforeFull = appendsBeforeFull }

    var location: String { run.location }
    var journalLocation: String { run.journalLocation }
    func repairJournal() throws -> String? { try run.repairJournal() }
    func loadJournal() throws -> StoredJournal { try run.loadJournal() }
    func bindJournal(_ binding: RunBinding, legacyRecords: Int) throws { try run.bindJournal(binding, legacyRecords: legacyRecords) }
    func appendToJournal(_ record: EvaluationRecord) throws {
        guard appendsBeforeFull > 0 else { throw PersistenceError.io(path: run.journalLocation, what: "write failed", errno: ENOSPC) }
        appendsBeforeFull -= 1
        try run.appendToJournal(record)
    }
    func loadState() -> Data? { run.loadState() }
    func saveState(_ data: Data) throws { try run.saveState(data) }
    func finishedCandidateNumbers() -> [Int] { run.finishedCandidateNumbers() }
    func workspace(for task: CandidateTask) throws -> URL { try run.workspace(for: task) }
    func log(_ line: String) { run.log(line) }
}

final class RunStoreIntegrityTests: XCTestCase {
    private func tempRun() -> RunDirectory {
        RunDirectory(FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID())"))
    }

    private func settings(evaluations: Int) -> SearchSettings {
        SearchSettings(algorithm: .regularizedEvolution(populationSize: 5, sampleSize: 3),
                       fitness: Fitness(kind: .penalty, lambda: 10), budget: Budget(evaluations: evaluations), seed: 7)
    }

    private func signature(_ records: [EvaluationRecord]) -> [String] {
        records.map { "\($0.number) \($0.arch) \($0.seed) \($0.metrics.validAccuracy)" }
    }

    /// Disk full mid-search: the error names the file and the cause, says the run is resumable and
    /// how; the resumed run ends as an uninterrupted one.
    func testADiskFullErrorSaysTheRunIsResumableAndHow() throws {
        let reference = try SearchDriver(store: tempRun(), settings: settings(evaluations: 10), evaluator: FakeCandidateEvaluator())
        try reference.run()
        let run = tempRun()
        let full = FillingStore(run, appendsBeforeFull: 4)
        XCTAssertThrowsError(try SearchDriver(store: full, settings: settings(evaluations: 10), evaluator: FakeCandidateEvaluator()).run()) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("\(run.journal.path): write failed (No space left on device)"), message)
            XCTAssertTrue(message.contains("The run is resumable: every finished evaluation is committed to its journal."), message)
            XCTAssertTrue(message.hasSuffix("continue with: rednas resume \(run.url.path)"), message)
        }
        let resumed = try SearchDriver(store: run, settings: settings(evaluations: 10), evaluator: FakeCandidateEvaluator())
        XCTAssertEqual(resumed.records.count, 4)
        try resumed.run()
        XCTAssertEqual(signature(resumed.records), signature(reference.records))
    }

    /// The binding is checked by the driver itself (any store): a journal bound to another config is
    /// refused with the store's `difference`, and a run without a binding gets one, its earlier
    /// records kept as legacy.
    func testTheDriverBindsAnUnboundRunAndRefusesAForeignBinding() throws {
        let run = tempRun()
        try SearchDriver(store: run, settings: settings(evaluations: 3), evaluator: FakeCandidateEvaluator()).run()
        XCTAssertNil(try run.loadJournal().binding)
        let binding = RunBinding(fingerprint: "aa", bound: [:])
        let driver = try SearchDriver(store: run, settings: settings(evaluations: 5), evaluator: FakeCandidateEvaluator(), binding: binding)
        XCTAssertEqual(driver.fingerprint, "aa")
        try driver.run()
        let journal = try Journal<EvaluationRecord>(url: run.journal).load()
        XCTAssertEqual(journal.header?.legacyRecords, 3)
        XCTAssertEqual(journal.checksummed, 5, "the driver writes checksums from the start; all verify")
        XCTAssertEqual(journal.records.count, 5)

        XCTAssertThrowsError(try run.verifiedJournal(expected: RunBinding(fingerprint: "bb", bound: [:])) { stored in
            "bound to \(stored.fingerprint)"
        }) { error in
            XCTAssertTrue("\(error)".contains("\(run.journal.path): this journal was written for another config or space"), "\(error)")
            XCTAssertTrue("\(error)".contains("bound to aa"), "\(error)")
        }
    }
}
