import Randomness

/// A train/validation split of one dataset part, as two sorted, disjoint lists of indices into that
/// part (images are not copied).
public struct DataSplit: Equatable, Codable, Sendable {
    /// Sorted indices of the training images.
    public var train: [Int]
    /// Sorted indices of the validation images.
    public var valid: [Int]

    /// A split from two sorted, disjoint index lists.
    public init(train: [Int], valid: [Int]) { self.train = train; self.valid = valid }

    /// The NATS-Bench CIFAR-10 25k/25k split of the 50,000 training images, reproduced exactly:
    /// CPython `random.seed(1021); random.shuffle(range(50000))`, first 25,000 sorted = train,
    /// the rest sorted = valid. Check values: train[10] = 26, valid[10] = 18.
    public static func natsBenchCIFAR10() -> DataSplit {
        var order = Array(0..<50_000)
        var python = PythonRandom(seed: 1021)
        python.shuffle(&order)
        return DataSplit(train: order[..<25_000].sorted(), valid: order[25_000...].sorted())
    }

    /// The benchmark split, checked against the part it is applied to (which must hold 50,000 images).
    public static func natsBenchCIFAR10(for part: ImageSet) throws -> DataSplit {
        guard part.count == 50_000 else {
            throw DatasetError.invalidRequest(
                "the NATS-Bench CIFAR-10 split needs the 50,000 CIFAR-10 training images; this part has \(part.count) "
                + "(with fewer images, set dataset.split: holdout)")
        }
        return natsBenchCIFAR10()
    }

    /// A seeded random split of `0..<count` holding out `validationCount` indices: the indices are
    /// shuffled with `SeededGenerator(seed: seed)`; the first `validationCount` sorted are `valid`,
    /// the rest sorted are `train`. The same arguments always give the same split.
    public static func seeded(count: Int, validationCount: Int, seed: UInt64) throws -> DataSplit {
        guard count >= 0, (0...count).contains(validationCount) else {
            throw DatasetError.invalidRequest(
                "validation size \(validationCount) must be between 0 and the part size \(count)")
        }
        var order = Array(0..<count)
        var generator = SeededGenerator(seed: seed)
        generator.shuffle(&order)
        return DataSplit(train: order[validationCount...].sorted(), valid: order[..<validationCount].sorted())
    }

    /// As `seeded(count:validationCount:seed:)` with `validationFraction` of the part held out
    /// (rounded to the nearest whole image). `validationFraction` must be in [0, 1].
    public static func seeded(count: Int, validationFraction: Double, seed: UInt64) throws -> DataSplit {
        guard (0.0...1.0).contains(validationFraction) else {
            throw DatasetError.invalidRequest("validation fraction \(validationFraction) must be between 0 and 1")
        }
        return try seeded(count: count, validationCount: Int((Double(count) * validationFraction).rounded()),
                          seed: seed)
    }
}
