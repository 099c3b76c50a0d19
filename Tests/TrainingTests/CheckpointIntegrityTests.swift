import CellSpace
import Foundation
import Persistence
import XCTest
@testable import RunModel
@testable import Training

/// Epoch checkpoints carry checksums and their run's fingerprint; a changed float, an edited
/// manifest or another run's checkpoint is refused, naming the file.
final class CheckpointIntegrityTests: XCTestCase {
    private func trainer(_ directory: URL, run: String? = "run-a") throws -> Trainer {
        let t = try Trainer(cell: try Cell(index: 9930), spec: TrainingTestData.spec,
                            recipe: TrainingRecipe(epochs: 2, batchSize: 32, learningRate: 0.1),
                            data: try TrainingTestData.data(trainSubset: 100), seed: 1, checkpointDirectory: directory)
        t.runFingerprint = run
        return t
    }

    /// Trains epoch 1 of 2 and stops: the folder holds the epoch-1 checkpoint.
    private func interruptedCheckpoint(_ name: String) throws -> URL {
        let directory = TrainingTestData.temporaryDirectory(name)
        let first = try trainer(directory)
        let stop = StopSignal()
        var steps = 0
        let outcome = try first.run(stop: stop, progress: { _ in
            steps += 1
            if steps == first.stepsPerEpoch + 1 { stop.request("test") }
        })
        XCTAssertEqual(outcome, .interrupted(epochsCompleted: 1))
        return directory
    }

    func testAChangedFloatInAnEpochCheckpointIsRefused() throws {
        let directory = try interruptedCheckpoint("tampered-tensors")
        let tensors = directory.appendingPathComponent("checkpoint-epoch-0001.safetensors")
        var bytes = try Data(contentsOf: tensors)
        bytes[bytes.count - 40] ^= 0x04
        try bytes.write(to: tensors)
        XCTAssertThrowsError(try trainer(directory).run()) { error in
            XCTAssertTrue("\(error)".contains("\(tensors.path): "), "\(error)")
            XCTAssertTrue("\(error)".contains("the tensor data fails its checksum"), "\(error)")
            XCTAssertTrue("\(error)".contains("remove the checkpoint folder"), "\(error)")
        }
    }

    func testAnEditedManifestIsRefused() throws {
        let directory = try interruptedCheckpoint("tampered-manifest")
        let manifest = directory.appendingPathComponent("checkpoint.json")
        let text = try String(contentsOf: manifest, encoding: .utf8)
        let accuracy = try XCTUnwrap(text.range(of: #""train_accuracy" : [0-9.]+"#, options: .regularExpression))
        try text.replacingCharacters(in: accuracy, with: "\"train_accuracy\" : 99.9").write(to: manifest, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try trainer(directory).run()) { error in
            XCTAssertTrue("\(error)".contains("\(manifest.path): fails its checksum"), "\(error)")
        }
    }

    /// A manifest of version 1 (camelCase keys, its checksum over that text) still resumes, to the
    /// same result as an uninterrupted run; an edit to it is still caught.
    func testAVersion1ManifestStillResumes() throws {
        let directory = try interruptedCheckpoint("version-1-manifest")
        let manifest = directory.appendingPathComponent("checkpoint.json")
        var old = try JSONStyle.decoder().decode(CheckpointManifest.self, from: Data(contentsOf: manifest))
        XCTAssertEqual(old.version, 2)
        old.version = 1
        let legacy = try old.sealed().encoded()
        XCTAssertTrue(String(decoding: legacy, as: UTF8.self).contains("\"epochsCompleted\" : 1"))
        try legacy.write(to: manifest)
        let resumed = try trainer(directory).run()
        let straight = try trainer(TrainingTestData.temporaryDirectory("version-1-straight")).run()
        guard case .finished(let a) = resumed, case .finished(let b) = straight else { return XCTFail("\(resumed), \(straight)") }
        XCTAssertEqual(a.history.map(\.withoutTiming), b.history.map(\.withoutTiming))

        let edited = String(decoding: legacy, as: UTF8.self).replacingOccurrences(of: "\"epochsCompleted\" : 1", with: "\"epochsCompleted\" : 2")
        let again = try interruptedCheckpoint("version-1-edited")
        try edited.write(to: again.appendingPathComponent("checkpoint.json"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try trainer(again).run()) { error in XCTAssertTrue("\(error)".contains("fails its checksum"), "\(error)") }
    }

    func testACheckpointOfAnotherSearchRunIsRefused() throws {
        let directory = try interruptedCheckpoint("other-run")
        XCTAssertThrowsError(try trainer(directory, run: "run-b").run()) { error in
            XCTAssertTrue("\(error)".contains("belongs to another search run"), "\(error)")
        }
        // The same run resumes it.
        XCTAssertNoThrow(try trainer(directory).run())
    }
}
