import CellSpace
import Foundation
import XCTest
@testable import Configuration
@testable import RunModel
@testable import Search

/// The standard space is built into the binary; the file in the repository stays its source.
final class BuiltInSpaceTests: XCTestCase {
    private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    func testTheBuiltInSpaceIsTheRepositoryFileVerbatim() throws {
        let file = try String(contentsOf: repository.appendingPathComponent("SearchSpaces/nats-tss.yaml"), encoding: .utf8)
        XCTAssertEqual(SearchSpaceFile.builtInYAML, file, "edit Sources/Search/Store/SearchSpaceFile+BuiltIn.swift with the file")
        let builtIn = try SearchSpaceFile.load(setting: "nats-tss")
        XCTAssertEqual(builtIn, try SearchSpaceFile.load(contentsOfFile: repository.appendingPathComponent("SearchSpaces/nats-tss.yaml").path))
        XCTAssertEqual(try builtIn.space(restrictedTo: nil).operationNames, Operation.allCases.map(\.rawValue))
    }

    /// The default config needs no file: a run is created from a folder that holds no SearchSpaces/.
    func testTheDefaultSpaceNeedsNoFileInTheWorkingDirectory() throws {
        XCTAssertEqual(ExperimentConfig().search.space, "nats-tss")
        let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("space-\(UUID())")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(elsewhere.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        let run = try SearchSession.create(config: ExperimentConfig(), runDir: elsewhere.appendingPathComponent("run").path)
        let stored = try SearchSpaceFile.load(contentsOfFile: run.space.path)
        XCTAssertEqual(stored.operations, Operation.allCases.map(\.rawValue))
    }

    func testAMissingSpaceFileNamesTheKeyAndTheBuiltInSpace() {
        XCTAssertThrowsError(try SearchSpaceFile.load(setting: "/nonexistent/space.yaml")) { error in
            XCTAssertEqual("\(error)", "search.space: the space file /nonexistent/space.yaml does not exist; "
                + "leave search.space out (or set it to nats-tss) for the built-in standard space")
        }
    }
}
