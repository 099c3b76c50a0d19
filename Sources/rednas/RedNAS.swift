import ArgumentParser
import Training

/// `rednas`: redundancy-aware neural architecture search. One file per subcommand; no logic here.
@main
struct RedNAS: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "rednas",
        abstract: "Redundancy-aware neural architecture search on the NATS-Bench topology space.",
        version: version,
        subcommands: [SearchCommand.self, ResumeCommand.self, WorkerCommand.self, StatusCommand.self, StudyCommand.self, ExportCommand.self,
                      ReportCommand.self, ServeCommand.self, MigrateCommand.self, ConfigCommand.self,
                      TrainCommand.self, EvalCommand.self, MSRSCommand.self, PruneCommand.self, PrunePlanCommand.self, ArchCommand.self, DataCommand.self, BenchCommand.self, ActivationBenchCommand.self, DemoCommand.self]
    )

    /// Checks the CPU and picks the kernels (possibly re-executing once), then runs the command line.
    static func main() {
        ComputeSetup.prepare()
        main(nil)
    }
}
