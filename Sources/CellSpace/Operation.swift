/// One candidate operation on a cell edge of the NATS-Bench topology space (NAS-Bench-201).
///
/// Raw values are the benchmark's names, so strings, JSON and exported files use the interchange
/// names while Swift code reads naturally. `allCases` is the benchmark's canonical order, which
/// defines the architecture index (see `Cell.index`).
public enum Operation: String, CaseIterable, Codable, Hashable, Sendable {
    /// Zeros of the input's shape (the edge is absent).
    case none
    /// Identity.
    case skipConnect = "skip_connect"
    /// ReLU → Conv2d(C→C, 1×1, no bias) → BatchNorm2d(C).
    case conv1x1 = "nor_conv_1x1"
    /// ReLU → Conv2d(C→C, 3×3, pad 1, no bias) → BatchNorm2d(C).
    case conv3x3 = "nor_conv_3x3"
    /// AvgPool(3, stride 1, pad 1) averaging in-image pixels only; no parameters.
    case avgPool3x3 = "avg_pool_3x3"

    /// Position in the canonical order `none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3`.
    public var canonicalPosition: Int {
        switch self {
        case .none: return 0
        case .skipConnect: return 1
        case .conv1x1: return 2
        case .conv3x3: return 3
        case .avgPool3x3: return 4
        }
    }

    /// The operation at `position` in the canonical order. Precondition: 0 ≤ position < 5.
    public init(canonicalPosition position: Int) {
        self = Operation.allCases[position]
    }

    /// Kernel size of a convolution operation, `nil` for the parameter-free ones.
    public var convolutionKernelSize: Int? {
        switch self {
        case .conv1x1: return 1
        case .conv3x3: return 3
        case .none, .skipConnect, .avgPool3x3: return nil
        }
    }
}

/// `Operation` under a name that does not collide with Foundation's `Operation` (NSOperation):
/// files that import both Foundation and CellSpace can write `CellOperation` in type positions
/// (or `CellSpace.Operation`).
public typealias CellOperation = Operation
