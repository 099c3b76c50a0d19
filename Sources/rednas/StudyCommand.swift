import ArgumentParser
import Foundation
import PostgresStore
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
            rednas study --config S.yaml --storage postgresql://USER@HOST/DB
                searches in a database; other machines join them with
                rednas worker --storage URL --study <study directory name>
            rednas study status Results/study-fashion                     progress of every search
            rednas study report Results/study-fashion                     (re)write the report
            """,
        subcommands: [StudyRunCommand.self, StudyStatusCommand.self, StudyReportCommand.self, StudyRetrainCommand.self],
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

    @Option(help: "Keep the searches in this PostgreSQL database (postgresql://USER@HOST:PORT/DB), named <study>.<arm>.seed-<s>; workers on other machines join with `rednas worker --storage URL --study <study>`.")
    var storage: String?

    func validate() throws {
        if workers < 1 || workers > 64 { throw ValidationError("--workers must be between 1 and 64, got \(workers)") }
    }

    func run() throws {
        let study = try LoadedStudy.load(contentsOfFile: config)
        let directory = StudyDirectory(study.directory(override: dir))
        let database = try storage.map { try Self.database($0, directory: directory) }
        let launcher = ChildProcessLauncher(executable: try Self.ownExecutable(), directory: directory, database: database)
        let stop = StopSignal()
        stop.installSignalHandlers { name in
            print("\(name): stopping the searches after their current training step (again to quit now)")
            if name == "SIGTERM" { launcher.terminateAll() }
        }
        let driver = StudyDriver(study: study, directory: directory, launcher: launcher, database: database, workers: workers,
                                 stop: stop,
                                 say: { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) })  // unbuffered: shows at once in a log file
        let end = try driver.run()
        if end == .interrupted { throw ExitCode(130) }
        try StudyReport(results: try StudyAnalysis.analyse(directory)).write(to: directory)
        print("Report: \(directory.url.path)/index.html and summary.md (rewrite with rednas study report DIR)")
    }

    /// The study's database: `text` checked (it parses and the server answers) before anything is
    /// written. A password in the URL reaches the child processes through `PGPASSWORD`, never
    /// their arguments.
    static func database(_ text: String, directory: StudyDirectory) throws -> StudyDatabase {
        ProcessArguments.hidePasswords()
        let url = try PostgresURL(text)
        _ = try PostgresLink(url: url)
        var parts = URLComponents(string: text)
        if let password = parts?.password {
            setenv("PGPASSWORD", password.removingPercentEncoding ?? password, 1)
            parts?.password = nil
        }
        let prefix = String(directory.url.lastPathComponent.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "-" })
        return StudyDatabase(url: parts?.string ?? url.redacted, prefix: String(prefix.prefix(60)))
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

/// `rednas study retrain DIR --arch A --seed S`: one final re-training of a study, which
/// `rednas study` runs as child processes, several at once (not for direct use; hidden from help).
struct StudyRetrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrain", abstract: "Re-train one answer of a study under its final protocol.", shouldDisplay: false)

    @Argument(help: "The study directory.")
    var directory: String

    @Option(help: "The answer's NATS architecture string.")
    var arch: String

    @Option(parsing: .unconditional, help: "The training seed.")
    var seed: Int

    @OptionGroup var threads: ThreadsOption

    func run() throws {
        let folder = StudyDirectory(URL(fileURLWithPath: directory))
        let training = try FinalTraining(arch: arch, seed: seed, in: folder)
        let evaluator = try StudySetup.finalEvaluator(for: folder, threads: threads.value)
        let stop = StopSignal()
        stop.installSignalHandlers { _ in }
        guard try training.run(with: evaluator, stop: stop) != nil else { throw ExitCode(130) }
    }
}
