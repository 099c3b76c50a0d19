/// What `rednas data inspect` reports about a dataset.
public struct DatasetSummary: Codable, Equatable, Sendable {
    /// One class: its label, name and image counts.
    public struct ClassInfo: Codable, Equatable, Sendable {
        /// The label.
        public var index: Int
        /// The class name.
        public var name: String
        /// Training images with this label.
        public var train: Int
        /// Test images with this label.
        public var test: Int
    }
    /// Sizes of a train/valid split.
    public struct SplitCounts: Codable, Equatable, Sendable {
        /// Images in the training half.
        public var train: Int
        /// Images in the validation half.
        public var valid: Int
    }

    /// The dataset's name, e.g. "CIFAR-10".
    public var name: String
    /// The detected file format.
    public var format: DatasetFormat
    /// The path the dataset was read from.
    public var path: String
    /// `[C, H, W]`.
    public var shape: [Int]
    /// Images in the training part.
    public var trainCount: Int
    /// Images in the test part.
    public var testCount: Int
    /// The NATS-Bench CIFAR-10 train/valid halves (nil unless CIFAR-10 with 50,000 training images).
    public var benchmarkSplit: SplitCounts?
    /// Number of classes.
    public var classCount: Int
    /// Every class with its counts, in label order.
    public var classes: [ClassInfo]
    /// Per-channel mean and population std of the training part, in 0…255 and in 0…1 units.
    public var mean255: [Double]
    /// Per-channel population std, 0…255 units.
    public var std255: [Double]
    /// Per-channel mean, 0…1 units.
    public var mean01: [Double]
    /// Per-channel population std, 0…1 units.
    public var std01: [Double]

    /// The summary of `dataset`, read from `path`.
    public init(_ dataset: Dataset, path: String) {
        name = dataset.name; format = dataset.format; self.path = path
        shape = dataset.shape.dimensions
        trainCount = dataset.train.count; testCount = dataset.test.count
        if dataset.format == .cifar10, dataset.train.count == 50_000 {
            let split = DataSplit.natsBenchCIFAR10()
            benchmarkSplit = SplitCounts(train: split.train.count, valid: split.valid.count)
        }
        classCount = dataset.classCount
        let trainCounts = dataset.train.classCounts(classCount: dataset.classCount)
        let testCounts = dataset.test.classCounts(classCount: dataset.classCount)
        classes = (0..<dataset.classCount).map {
            ClassInfo(index: $0, name: dataset.classNames[$0], train: trainCounts[$0], test: testCounts[$0])
        }
        let stats = ChannelStatistics(dataset.train)
        mean255 = stats.mean255; std255 = stats.std255; mean01 = stats.mean01; std01 = stats.std01
    }
}
