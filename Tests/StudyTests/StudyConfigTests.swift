import ConfigKit
import XCTest
@testable import Study

/// Bad study files: errors name the study file's line, column and key, like search configs.
final class StudyConfigTests: XCTestCase {
    private var workspace: StudyWorkspace!

    override func setUpWithError() throws { workspace = try StudyWorkspace() }
    override func tearDown() { workspace.remove() }

    private func error(_ body: String) throws -> ConfigError {
        let path = try workspace.study(body)
        do {
            _ = try LoadedStudy.load(contentsOfFile: path)
        } catch let error as ConfigError {
            return error
        }
        XCTFail("expected a ConfigError")
        throw XCTSkip("no error")
    }

    func testValidStudyResolvesEveryArmAndTheFinalConfig() throws {
        let study = try LoadedStudy.load(contentsOfFile: try workspace.twoArmStudy())
        XCTAssertEqual(study.config.arms.map(\.name), ["plain", "penalty"])
        XCTAssertEqual(study.armConfigs[1].fitness.lambda, 30)
        XCTAssertEqual(study.armConfigs[1].search.population, 4, "the base config's value")
        XCTAssertEqual(study.finalConfig.training.epochs, 5)
        XCTAssertEqual(study.finalConfig.msrs.split, .test, "final MSRS is measured on the test split")
        XCTAssertEqual(study.finalConfig.fitness.kind, .accuracy, "an arm's overrides do not reach the final protocol")
        XCTAssertEqual(study.config.referenceArm, "plain")
        XCTAssertEqual(study.jobs(in: workspace.directory).map(\.key),
                       ["plain/seed-1", "plain/seed-2", "plain/seed-3", "penalty/seed-1", "penalty/seed-2", "penalty/seed-3"])
    }

    func testABadOverrideInAnArmIsReportedAtItsLineInTheStudyFile() throws {
        let e = try error("""
            base: base.yaml
            seeds: [0]
            arms:
              - name: a
                set: [fitness.kind=accuracy]
              - name: b
                set:
                  - fitness.kind=penalty
                  - fitness.lamda=5
            """)
        XCTAssertEqual(e.source, .file(name: workspace.url.appendingPathComponent("study.yaml").path, line: 9, column: 9))
        XCTAssertEqual(e.keyPath, "arms[1].set[1]")
        XCTAssertTrue(e.message.contains("fitness.lamda=5") && e.message.contains("lambda"), e.message)
    }

    func testABadValueInTheFinalSectionIsLocated() throws {
        let e = try error("""
            base: base.yaml
            seeds: [0]
            arms: [{name: a}]
            final:
              set: [training.epochs=-1]
            """)
        XCTAssertEqual(e.keyPath, "final.set[0]")
        guard case let .file(_, line, _) = e.source else { return XCTFail("\(e)") }
        XCTAssertEqual(line, 5)
    }

    func testStructuralErrorsNameTheirKey() throws {
        let unknown = try error("base: base.yaml\nseeds: [0]\narms: [{name: a}]\nworkers: 2\n")
        XCTAssertTrue(unknown.description.contains(":4:") && unknown.message.contains("workers"), unknown.description)
        let seeds = try error("base: base.yaml\nseeds: [1, 1]\narms: [{name: a}]\n")
        XCTAssertTrue(seeds.description.contains("study.yaml:2:") && seeds.message.contains("twice"), seeds.description)
        let names = try error("base: base.yaml\nseeds: [0]\narms: [{name: a}, {name: a}]\n")
        XCTAssertTrue(names.message.contains("share a name"), names.description)
        let folder = try error("base: base.yaml\nseeds: [0]\narms: [{name: a/b}]\n")
        XCTAssertEqual(folder.keyPath, "arms[0].name")
        let reserved = try error("base: base.yaml\nseeds: [0]\narms: [{name: a, set: [seed=4]}]\n")
        XCTAssertTrue(reserved.message.contains("seed"), reserved.description)
        let reference = try error("base: base.yaml\nseeds: [0]\narms: [{name: a}]\nreference: b\n")
        XCTAssertTrue(reference.description.contains(":4:") && reference.message.contains("not an arm"), reference.description)
        let base = try error("base: nowhere.yaml\nseeds: [0]\narms: [{name: a}]\n")
        XCTAssertTrue(base.description.contains("study.yaml:1:") && base.message.contains("no such file"), base.description)
        let missing = try error("seeds: [0]\narms: [{name: a}]\n")
        XCTAssertTrue(missing.message.contains("base"), missing.description)
    }
}
