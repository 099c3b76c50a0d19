import ArgumentParser
import Foundation
import RedNASCore
import RunModel
import Study

/// `rednas study`: many searches per method, re-trained under one protocol, compared with statistics.
struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Run a study (arms × seeds of searches, final re-training, statistics) and report it.",
        discussion: """
            rednas study --config Configs/study-fashion.yaml --workers 2   start, or continue a stopped study
            rednas study status Results/study-fashion                     progress of every search
            rednas study report Results/study-fashion                     (re)write the report
            """,
        subcommands: [StudyRunCommand.self, StudyStatusCommand.self, StudyReportCommand.self],
        defaultSubcommand: StudyRunCommand.self)
}

/// `rednas study [run] --config FILE`: runs (or continues) a study and writes its report.
struct StudyRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Start or continue a study; the same command continues a stopped one.")

    @Option(help: "The study file (YAML).")
    var config: String

    @Option(help: "Searches run at once, as child processes; the cores are split between them.")
    var workers: Int = 1

    @Option(help: "The study directory (default: the file's `dir`, else Results/<file name>).")
    var dir: String?

    @Option(help: "A database URL for the runs (not available yet: runs are stored in the study directory).")
    var storage: String?

    func validate() throws {
        if workers < 1 || workers > 64 { throw ValidationError("--workers must be between 1 and 64, got \(workers)") }
        if storage != nil {
            throw ValidationError("--storage is not available yet: the study keeps its runs in the study directory (omit --storage)")
        }
    }

    func run() throws {
        let study = try LoadedStudy.load(contentsOfFile: config)
        let directory = StudyDirectory(study.directory(override: dir))
        let launcher = ChildProcessLauncher(executable: try Self.ownExecutable(), directory: directory)
        let stop = StopSignal()
        stop.installSignalHandlers { name in
            print("\(name): stopping the searches after their current training step (again to quit now)")
            if name == "SIGTERM" { launcher.terminateAll() }
        }
        let driver = StudyDriver(study: study, directory: directory, launcher: launcher, workers: workers,
                                 makeFinalEvaluator: { try StudySetup.finalEvaluator(for: study) }, stop: stop,
                                 say: { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) })  // unbuffered: shows at once in a log file
        let end = try driver.run()
        if end == .interrupted { throw ExitCode(130) }
        try StudyReport(results: try StudyAnalysis.analyse(directory)).write(to: directory)
        print("Report: \(directory.url.path)/index.html and summary.md (rewrite with rednas study report DIR)")
    }

    /// This process's binary (the children run the same version).
    static func ownExecutable() throws -> URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    }
}

/// `rednas study status DIR`.
struct StudyStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show every search of a study.")

    @Argument(help: "The study directory.")
    var directory: String

    func run() throws {
        print(try StudyStatus.load(StudyDirectory(URL(fileURLWithPath: directory))).text())
    }
}

/// `rednas study report DIR`.
struct StudyReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write a study's statistics: index.html, summary.md, study.json, plots/.")

    @Argument(help: "The study directory.")
    var directory: String

    func run() throws {
        let folder = StudyDirectory(URL(fileURLWithPath: directory))
        try StudyReport(results: try StudyAnalysis.analyse(folder)).write(to: folder)
        print("Wrote \(folder.url.path)/index.html, summary.md, study.json and plots/")
    }
}
