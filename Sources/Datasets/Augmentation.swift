import Randomness

/// Training-time augmentation, in the benchmark's order: horizontal flip (p = 0.5), then a random
/// crop back to the original size from the image zero-padded by `cropPadding` pixels on every side
/// (padding applies to raw pixels, so a padded pixel is byte 0, normalised like any other pixel).
public struct Augmentation: Equatable, Codable, Sendable {
    /// Whether to mirror half of the images left to right.
    public var horizontalFlip: Bool
    /// Zero padding P for the random crop; 0 disables the crop.
    public var cropPadding: Int

    /// An augmentation; `cropPadding` must not be negative.
    public init(horizontalFlip: Bool, cropPadding: Int) {
        precondition(cropPadding >= 0, "crop padding must not be negative")
        self.horizontalFlip = horizontalFlip; self.cropPadding = cropPadding
    }

    /// No augmentation (evaluation: scale + normalise only).
    public static let disabled = Augmentation(horizontalFlip: false, cropPadding: 0)
    /// The benchmark's CIFAR training augmentation: flip + crop with 4-pixel padding.
    public static let standard = Augmentation(horizontalFlip: true, cropPadding: 4)

    /// The default training augmentation for a dataset: `standard` for CIFAR and Fashion-MNIST
    /// (clothes may be mirrored), crop only (padding 2) for other IDX data such as digits, where
    /// a mirror image is a different or invalid symbol.
    public static func defaultFor(_ dataset: Dataset) -> Augmentation {
        switch dataset.format {
        case .cifar10, .cifar100: return .standard
        case .idx: return dataset.name == "Fashion-MNIST" ? .standard : Augmentation(horizontalFlip: false, cropPadding: 2)
        }
    }

    /// Whether it leaves every image unchanged.
    public var isIdentity: Bool { !horizontalFlip && cropPadding == 0 }

    /// Draws one image's random choices: first the flip (if enabled), then the crop's row offset,
    /// then its column offset (each uniform in 0...2P, if the crop is enabled).
    public func draw(using generator: inout SeededGenerator) -> AugmentationChoice {
        let flip = horizontalFlip ? generator.bernoulli(0.5) : false
        guard cropPadding > 0 else { return AugmentationChoice(flip: flip, cropTop: 0, cropLeft: 0) }
        let top = generator.int(below: 2 * cropPadding + 1)
        let left = generator.int(below: 2 * cropPadding + 1)
        return AugmentationChoice(flip: flip, cropTop: top - cropPadding, cropLeft: left - cropPadding)
    }
}

/// One image's augmentation. The output pixel (y, x) is the flipped image's pixel
/// (y + cropTop, x + cropLeft), or a zero byte when that lies outside the image; `cropTop` and
/// `cropLeft` are in −P...P (0, 0 = the centre crop, i.e. no shift).
public struct AugmentationChoice: Equatable, Codable, Sendable {
    /// Whether the image is mirrored left to right.
    public var flip: Bool
    /// Vertical shift of the crop, −P … P.
    public var cropTop: Int
    /// Horizontal shift of the crop, −P … P.
    public var cropLeft: Int

    /// A choice with the given flip and shifts.
    public init(flip: Bool, cropTop: Int, cropLeft: Int) {
        self.flip = flip; self.cropTop = cropTop; self.cropLeft = cropLeft
    }

    /// No flip and the centre crop: the image unchanged.
    public static let identity = AugmentationChoice(flip: false, cropTop: 0, cropLeft: 0)
}

extension Augmentation: CustomStringConvertible {
    /// "flip + crop (pad 4)", "crop (pad 2)", "none".
    public var description: String {
        var parts: [String] = []
        if horizontalFlip { parts.append("flip") }
        if cropPadding > 0 { parts.append("crop (pad \(cropPadding))") }
        return parts.isEmpty ? "none" : parts.joined(separator: " + ")
    }
}
