import ConfigKit

/// The `dataset` section: which images, how they are split, subset and augmented.
package struct DatasetConfig: Codable, Equatable, ConfigValidatable {
    package enum Kind: String, Codable, CaseIterable, ConfigEnumeration {
        case fashionMNIST = "fashion-mnist", mnist, cifar10, cifar100, idx
    }

    /// How the training images are divided into train and valid.
    package enum Split: String, Codable, CaseIterable, ConfigEnumeration {
        /// NATS-Bench's fixed CIFAR-10 split: the 50k training images halved 25k/25k (cifar10 only).
        case benchmark
        /// A seeded random hold-out of `valid_fraction` (or `valid_count`) of the training images.
        case holdout
    }

    /// Dataset family: `fashion-mnist`, `mnist`, `cifar10`, `cifar100`, or `idx` (any IDX image/label files).
    package var kind: Kind = .fashionMNIST
    /// Directory holding the files. Default per kind: `/usr/share/datasets/fashion-mnist`,
    /// `/usr/share/datasets/mnist`, `/usr/share/datasets/cifar-10-batches-bin`,
    /// `/usr/share/datasets/cifar-100-binary`; required for `idx`.
    package var path: String = ""
    /// `benchmark` (default for cifar10) or `holdout` (default otherwise).
    package var split: Split = .holdout
    /// Fraction of the training images held out as the valid set (`holdout` split). Default 0.1.
    package var validFraction: Double = 0.1
    /// Exact number of held-out valid images; 0 = use `valid_fraction`.
    package var validCount: Int = 0
    /// Seed of the hold-out shuffle, independent of the search seed so every run sees the same split.
    package var splitSeed: Int = 0
    /// Use a class-stratified, seeded (split_seed) subset of n train images after splitting (0 = all).
    package var trainSubset: Int = 0
    /// Use a class-stratified, seeded subset of n valid images (0 = all).
    package var validSubset: Int = 0
    /// Use a class-stratified, seeded subset of n test images (0 = all).
    package var testSubset: Int = 0
    /// Random horizontal flips while training. Default: true for CIFAR, false for (Fashion-)MNIST and IDX.
    package var flip: Bool = false
    /// Zero padding (pixels) for random crops while training; 0 = no cropping. Default 4.
    package var cropPadding: Int = 4
    /// Per-channel mean on the 0–255 pixel scale; default: the dataset's standard values.
    package var mean: [Double]? = nil
    /// Per-channel standard deviation on the 0–255 scale; default: the dataset's standard values.
    package var std: [Double]? = nil

    enum CodingKeys: String, CodingKey {
        case kind, path, split, validFraction = "valid_fraction", validCount = "valid_count", splitSeed = "split_seed"
        case trainSubset = "train_subset", validSubset = "valid_subset", testSubset = "test_subset"
        case flip, cropPadding = "crop_padding", mean, std
    }

    /// The defaults for `kind`.
    package init(kind: Kind = .fashionMNIST) {
        self.kind = kind
        path = Self.defaultPath(for: kind)
        split = kind == .cifar10 ? .benchmark : .holdout
        flip = kind == .cifar10 || kind == .cifar100
    }

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(.kind, default: .fashionMNIST)
        let d = Self(kind: kind)
        path = try c.decode(.path, default: d.path)
        split = try c.decode(.split, default: d.split)
        validFraction = try c.decode(.validFraction, default: d.validFraction)
        validCount = try c.decode(.validCount, default: d.validCount)
        splitSeed = try c.decode(.splitSeed, default: d.splitSeed)
        trainSubset = try c.decode(.trainSubset, default: d.trainSubset)
        validSubset = try c.decode(.validSubset, default: d.validSubset)
        testSubset = try c.decode(.testSubset, default: d.testSubset)
        flip = try c.decode(.flip, default: d.flip)
        cropPadding = try c.decode(.cropPadding, default: d.cropPadding)
        mean = try c.decodeIfPresent([Double].self, forKey: .mean)
        std = try c.decodeIfPresent([Double].self, forKey: .std)
    }

    package static func defaultPath(for kind: Kind) -> String {
        switch kind {
        case .fashionMNIST: return "/usr/share/datasets/fashion-mnist"
        case .mnist: return "/usr/share/datasets/mnist"
        case .cifar10: return "/usr/share/datasets/cifar-10-batches-bin"
        case .cifar100: return "/usr/share/datasets/cifar-100-binary"
        case .idx: return ""
        }
    }

    /// Image channels of the kind (nil for `idx`, whose files say).
    package var channels: Int? {
        switch kind {
        case .fashionMNIST, .mnist: return 1
        case .cifar10, .cifar100: return 3
        case .idx: return nil
        }
    }

    package func validate() throws {
        try require(!path.isEmpty, "path", "give the directory of the \(kind.rawValue) files")
        try require(split == .holdout || kind == .cifar10, "split",
                    "the benchmark split exists only for cifar10; use holdout for \(kind.rawValue)")
        try require(validFraction > 0 && validFraction < 1, "valid_fraction", "must be in (0, 1), found \(validFraction)")
        try require(validCount >= 0, "valid_count", "must be ≥ 0 (0 = use valid_fraction), found \(validCount)")
        for (key, value) in [("train_subset", trainSubset), ("valid_subset", validSubset), ("test_subset", testSubset)] {
            try require(value >= 0, key, "must be ≥ 0 (0 = all), found \(value)")
        }
        try require(splitSeed >= 0, "split_seed", "must be ≥ 0, found \(splitSeed)")
        try require(cropPadding >= 0, "crop_padding", "must be ≥ 0, found \(cropPadding)")
        for (key, values) in [("mean", mean), ("std", std)] {
            guard let values else { continue }
            if let channels { try require(values.count == channels, key, "needs \(channels) value(s) for \(kind.rawValue), found \(values.count)") }
            try require(!values.isEmpty, key, "must not be empty")
        }
        try require(std?.allSatisfy { $0 > 0 } ?? true, "std", "every value must be > 0")
    }
}
