import ArgumentParser
import Foundation
import NeuralNet
import TensorEngine

/// `rednas demo`: trains a tiny network on synthetic images to show the engine working.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Train a tiny conv net on synthetic stripe images (engine smoke test).")

    @Option(parsing: .unconditional, help: "Number of training epochs (1-1000).")
    var epochs: Int = 5

    @Option(parsing: .unconditional, help: "Seed for data, initialisation and shuffling.")
    var seed: Int = 0

    @Option(parsing: .unconditional, help: "Compute threads for the engine's kernels (1-256).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard seed >= 0 else { throw ValidationError("--seed must be 0 or more, got \(seed)") }
        guard (1...1000).contains(epochs) else {
            throw ValidationError("--epochs must be between 1 and 1000, got \(epochs)")
        }
        guard (1...256).contains(threads) else {
            throw ValidationError("--threads must be between 1 and 256, got \(threads)")
        }
    }

    func run() throws {
        ComputeThreads.set(threads)
        var options = DemoTraining.Options()
        options.epochs = epochs
        options.seed = UInt64(seed)
        print("Training TinyConvNet (conv3x3 → BN → ReLU → avg-pool → linear) on \(options.trainImages) synthetic "
              + "3×8×8 images, \(SyntheticPatterns.classes) classes; seed \(seed), \(threads) thread(s)")
        print("epoch      lr    loss  train acc  test acc    img/s")
        DemoTraining(options: options).run { r in
            print(String(format: "%5d  %6.4f  %6.4f   %6.2f%%   %6.2f%%  %7.0f", r.epoch + 1, r.learningRate, r.trainLoss,
                         100 * r.trainAccuracy, 100 * r.testAccuracy, r.imagesPerSecond))
        }
    }
}
