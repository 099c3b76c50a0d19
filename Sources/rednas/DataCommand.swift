import ArgumentParser

/// `rednas data`: inspect datasets and write synthetic ones.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Inspect image datasets (CIFAR-10/100 binary, IDX/MNIST); write synthetic CIFAR-10 data or run directories.",
        subcommands: [DataInspectCommand.self, DataSynthCommand.self, DataSynthRunCommand.self, DataBenchCommand.self]
    )
}
