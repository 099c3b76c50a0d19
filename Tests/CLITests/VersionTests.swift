import XCTest

final class VersionTests: XCTestCase {
    func testVersionAndHelp() throws {
        let version = try CLIRunner.run(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.stdout.contains("0."), version.stdout)
        let help = try CLIRunner.run(["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("USAGE: rednas"), help.stdout)
    }

    func testUnknownSubcommandFailsWithAMessage() throws {
        let r = try CLIRunner.run(["no-such-command"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertFalse(r.stderr.isEmpty)
    }
}
