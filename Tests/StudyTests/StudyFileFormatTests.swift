import Foundation
import Persistence
import RunModel
import XCTest
@testable import Study

/// The study's own files: written in the one JSON style (snake_case, `schema_version`), and the
/// files of studies from before it (camelCase keys, a bare failure map) still read.
final class StudyFileFormatTests: XCTestCase {
    private var workspace: StudyWorkspace!

    override func setUpWithError() throws { workspace = try StudyWorkspace() }
    override func tearDown() { workspace.remove() }

    func testStudyFilesAreSnakeCaseWithAVersionAndOldOnesStillRead() throws {
        let study = try LoadedStudy.load(contentsOfFile: try workspace.twoArmStudy())
        let directory = workspace.directory
        try directory.prepare(for: study)
        try directory.saveFailures(["plain/seed-1": "it broke"])
        let result = FinalResult(arch: "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|", index: 1, seed: 0,
                                 metrics: CandidateMetrics(validAccuracy: 50, testAccuracy: 49, params: 1, flops: 2, epochs: 1,
                                                           trainSeconds: 1, msrsSeconds: 0))
        let folder = directory.final(index: 1, seed: 0)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try result.save(in: folder)
        for file in [directory.plan, directory.failures, folder.appendingPathComponent(FinalResult.fileName)] {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
            XCTAssertEqual(object["schema_version"] as? Int, JSONStyle.schemaVersion, file.lastPathComponent)
            XCTAssertFalse(Self.keys(object).contains { $0.contains(where: \.isUppercase) }, "\(file.lastPathComponent): \(Self.keys(object))")
        }
        XCTAssertEqual(directory.loadFailures(), ["plain/seed-1": "it broke"])
        XCTAssertEqual(try FinalResult.load(from: folder), result)

        // The same files as the first study version wrote them: camelCase, no version, a bare map.
        let plain = JSONEncoder()
        try plain.encode(try directory.loadPlan()).write(to: directory.plan)
        try plain.encode(["plain/seed-1": "it broke"]).write(to: directory.failures)
        try plain.encode(result).write(to: folder.appendingPathComponent(FinalResult.fileName))
        XCTAssertTrue(String(decoding: try Data(contentsOf: directory.plan), as: UTF8.self).contains("armConfigs"))
        XCTAssertNoThrow(try directory.prepare(for: study), "an old plan of the same study is accepted")
        XCTAssertEqual(directory.loadFailures(), ["plain/seed-1": "it broke"])
        XCTAssertEqual(try FinalResult.load(from: folder), result)
    }

    /// Every field name in `object`, at any depth (maps keyed by data are not in these files).
    private static func keys(_ value: Any) -> [String] {
        if let object = value as? [String: Any] { return object.keys + object.values.flatMap(keys) }
        if let array = value as? [Any] { return array.flatMap(keys) }
        return []
    }
}
