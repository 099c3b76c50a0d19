/// What `rednas data inspect` reports about a dataset.
public struct DatasetSummary: Codable, Equatable, Sendable {
    public struct ClassInfo: Codable, Equatable, Sendable {
        public var index: Int
        public var name: String
        public var train: Int
        public var test: Int
    }
    public struct SplitCounts: Codable, Equatable, Sendable {
        public var train: Int
        public var valid: Int
    }

    public var name: String
    public var format: DatasetFormat
    public var path: String
    /// `[C, H, W]`.
    public var shape: [Int]
    public var trainCount: Int
    public var testCount: Int
    /// The NATS-Bench CIFAR-10 train/valid halves (nil unless CIFAR-10 with 50,000 training images).
    public var benchmarkSplit: SplitCounts?
    public var classCount: Int
    public var classes: [ClassInfo]
    /// Per-channel mean and population std of the training part, in 0…255 and in 0…1 units.
    public var mean255: [Double]
    public var std255: [Double]
    public var mean01: [Double]
    public var std01: [Double]

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
