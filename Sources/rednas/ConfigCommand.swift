import ArgumentParser
import Configuration

/// `rednas config defaults`: the full default config, commented.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the config schema.",
        subcommands: [Defaults.self])

    struct Defaults: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every config key with its default and a comment (valid YAML: save it and edit).",
            discussion: "Example: rednas config defaults > my-search.yaml")

        func run() throws { print(try ConfigReference.defaultsYAML()) }
    }
}
