import NeuralNet
import TensorEngine

/// `rednas demo`: trains a tiny conv net on synthetic stripe images to show the engine working.
package enum EngineDemo {
    /// Trains for `epochs` on `threads` workers; calls `report` with a header, then one line per epoch.
    package static func run(epochs: Int, seed: UInt64, threads: Int, report: (String) -> Void) {
        ComputeThreads.set(threads)
        var options = DemoTraining.Options()
        options.epochs = epochs
        options.seed = seed
        report("Training TinyConvNet (conv3x3 → BN → ReLU → avg-pool → linear) on \(options.trainImages) synthetic "
               + "3×8×8 images, \(SyntheticPatterns.classes) classes; seed \(seed), \(threads) thread(s)")
        report("epoch      lr    loss  train acc  test acc    img/s")
        DemoTraining(options: options).run { r in
            report(String(format: "%5d  %6.4f  %6.4f   %6.2f%%   %6.2f%%  %7.0f", r.epoch + 1, r.learningRate, r.trainLoss,
                          100 * r.trainAccuracy, 100 * r.testAccuracy, r.imagesPerSecond))
        }
    }
}
