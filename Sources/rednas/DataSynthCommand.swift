import ArgumentParser
import RedNASCore

/// `rednas data synth --out DIR`: writes a learnable synthetic dataset in CIFAR-10 binary format.
struct DataSynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write a synthetic CIFAR-10-format folder (data_batch_1..5.bin, test_batch.bin, batches.meta.txt).",
        usage: "rednas data synth --out <dir> [--train <n>] [--test <n>] [--classes <k>]\n  [--seed <n>] [--noise <x>]",
        discussion: "Each class is a distinct colour and stripe pattern plus uniform noise, so a network can learn it."
    )

    @Option(help: "Output folder (created if missing).")
    var out: String

    @Option(parsing: .unconditional, help: "Number of training images (split over the 5 data_batch files).")
    var train = 5000

    @Option(parsing: .unconditional, help: "Number of test images.")
    var test = 1000

    @Option(parsing: .unconditional, help: "Number of classes (1 to 10).")
    var classes = 10

    @Option(parsing: .unconditional, help: "Random seed.")
    var seed: Int = 0

    @Option(parsing: .unconditional, help: "Noise amplitude in pixel units (uniform in ±noise, 0-255 scale).")
    var noise = 48.0

    func validate() throws {
        guard train >= 0 else { throw ValidationError("--train must be 0 or more, got \(train)") }
        guard test >= 0 else { throw ValidationError("--test must be 0 or more, got \(test)") }
        guard seed >= 0 else { throw ValidationError("--seed must be 0 or more, got \(seed)") }
        if let problem = DataInspection.syntheticSizeProblem(train: train, test: test) { throw ValidationError(problem) }
        guard (1...10).contains(classes) else { throw ValidationError("--classes must be between 1 and 10") }
        guard noise >= 0, noise.isFinite else { throw ValidationError("--noise must be a non-negative number") }
    }

    func run() throws {
        try DataInspection.writeSynthetic(train: train, test: test, classes: classes, noise: noise, seed: UInt64(seed), to: out)
        print("wrote \(train) train + \(test) test images, \(classes) classes, to \(out)")
    }
}
