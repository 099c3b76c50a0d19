import ArgumentParser

/// `rednas data`: inspect datasets and write synthetic ones.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Inspect image datasets (CIFAR-10/100 binary, IDX/MNIST) and write synthetic CIFAR-10 data.",
        subcommands: [DataInspectCommand.self, DataSynthCommand.self, DataBenchCommand.self]
    )
}
