import ArgumentParser
import Foundation
import Benchmark
import Training

/// `rednas demo`: trains a tiny network on synthetic images to show the engine working.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Train a tiny conv net on synthetic stripe images (engine smoke test).")

    @Option(parsing: .unconditional, help: "Number of training epochs (1-1000).")
    var epochs: Int = 5

    @Option(parsing: .unconditional, help: "Seed for data, initialisation and shuffling.")
    var seed: Int = 0

    @OptionGroup var threadOption: ThreadsOption

    func validate() throws {
        guard seed >= 0 else { throw ValidationError("--seed must be 0 or more, got \(seed)") }
        guard (1...1000).contains(epochs) else {
            throw ValidationError("--epochs must be between 1 and 1000, got \(epochs)")
        }
    }

    func run() throws {
        EngineDemo.run(epochs: epochs, seed: UInt64(seed), threads: ComputeThreadSetting.resolve(threadOption.requested())) { print($0) }
    }
}
