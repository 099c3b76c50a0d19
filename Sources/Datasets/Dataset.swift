/// Image geometry, channels first: one image is `channels × height × width` values.
public struct ImageShape: Equatable, Hashable, Codable, Sendable, CustomStringConvertible {
    /// Number of channels C.
    public var channels: Int
    /// Height H in pixels.
    public var height: Int
    /// Width W in pixels.
    public var width: Int

    /// The shape C × H × W.
    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels; self.height = height; self.width = width
    }

    /// Values per image (C·H·W).
    public var volume: Int { channels * height * width }
    /// Values per channel plane (H·W).
    public var planeSize: Int { height * width }
    /// `[C, H, W]`, the form used in reports and JSON.
    public var dimensions: [Int] { [channels, height, width] }
    /// `[C,H,W]`.
    public var description: String { "[\(channels),\(height),\(width)]" }
}

/// One part of a dataset (train or test): images kept compactly as bytes, converted to Float only
/// per batch.
///
/// `pixels` holds `count` images back to back, each `shape.volume` bytes in C×H×W order (all of
/// channel 0 row-major, then channel 1, …). `labels[i]` is the class of image `i`, in
/// `0..<classCount`.
public struct ImageSet: Sendable, Equatable {
    /// The geometry of every image.
    public let shape: ImageShape
    /// The images' bytes back to back, C×H×W each.
    public let pixels: [UInt8]
    /// The class of each image.
    public let labels: [Int32]

    /// Precondition (programmer error otherwise): `pixels.count == labels.count * shape.volume`.
    public init(shape: ImageShape, pixels: [UInt8], labels: [Int32]) {
        precondition(pixels.count == labels.count * shape.volume, "pixel buffer does not match label count")
        self.shape = shape; self.pixels = pixels; self.labels = labels
    }

    /// An empty part of the given shape.
    public static func empty(shape: ImageShape) -> ImageSet { ImageSet(shape: shape, pixels: [], labels: []) }

    /// Number of images.
    public var count: Int { labels.count }
    /// The bytes of image `i` (C×H×W). O(1): a slice, no copy.
    public func image(_ i: Int) -> ArraySlice<UInt8> {
        pixels[(i * shape.volume)..<((i + 1) * shape.volume)]
    }
    /// Images per class, indexed by label.
    public func classCounts(classCount: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels where Int(label) < classCount { counts[Int(label)] += 1 }
        return counts
    }
}

/// Which on-disk format a dataset was read from.
public enum DatasetFormat: String, CaseIterable, Codable, Sendable {
    case cifar10
    case cifar100
    case idx
}

/// A labelled image-classification dataset: a training part and a test part of the same shape.
public struct Dataset: Sendable, Equatable {
    /// Human-readable name ("CIFAR-10", "CIFAR-100", "Fashion-MNIST", "MNIST", …).
    public var name: String
    /// The file format it was read from.
    public var format: DatasetFormat
    /// The training part.
    public var train: ImageSet
    /// The test part.
    public var test: ImageSet
    /// Number of classes; every label is in `0..<classCount`.
    public var classCount: Int
    /// `classNames[k]` names class `k`; always `classCount` entries.
    public var classNames: [String]

    /// A dataset from its parts; `classNames` must have `classCount` entries.
    public init(name: String, format: DatasetFormat, train: ImageSet, test: ImageSet,
                classCount: Int, classNames: [String]) {
        precondition(classNames.count == classCount, "one name per class")
        self.name = name; self.format = format; self.train = train; self.test = test
        self.classCount = classCount; self.classNames = classNames
    }

    /// The image geometry (both parts share it).
    public var shape: ImageShape { train.shape }

    /// Which part of a dataset.
    public enum Part: String, Codable, Sendable { case train, test }

    /// The training or the test part.
    public subscript(part: Part) -> ImageSet { part == .train ? train : test }
}

/// Fashion-MNIST class names, in label order.
public let fashionMNISTClassNames = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]

/// CIFAR-10 class names, in label order (as in `batches.meta.txt`).
public let cifar10ClassNames = [
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
]
