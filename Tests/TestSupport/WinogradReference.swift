/// Winograd's minimal filtering F(m×m, 3×3) written from its matrices, in Double: every transform is
/// a product of the textbook matrices (Lavin & Gray), nothing fused, nothing vectorised. The slow
/// twin of the SIMD transforms in `Winograd2x2Kernels` and `Winograd4x4Kernels`.
///
/// For an n×n input patch d (n = m + 2) and 3×3 weights g, the m×m output tile of the valid
/// correlation d ⋆ g is `output(weight(g) ⊙ input(d))` = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A. The backward
/// transforms are the adjoints: for an output-gradient tile e, `outputGradient(e)` = A e Aᵀ, and
/// the tile's weight gradient Σ e[r][c]·d[r + i][c + j] is `weightGradient(outputGradient(e) ⊙ input(d))`
/// = Gᵀ[(A e Aᵀ) ⊙ (Bᵀ d B)]G.
public struct WinogradReference: Sendable {
    public typealias Matrix = [[Double]]

    /// Output tile side m.
    public let tile: Int
    /// Bᵀ (n×n), G (n×3), Aᵀ (m×n).
    public let bt, g, at: Matrix

    /// Input patch side n = m + 2.
    public var patch: Int { tile + 2 }

    /// F(2×2, 3×3), points 0, ±1, ∞.
    public static let f2x2 = WinogradReference(
        tile: 2,
        bt: [[1, 0, -1, 0],
             [0, 1, 1, 0],
             [0, -1, 1, 0],
             [0, 1, 0, -1]],
        g: [[1, 0, 0],
            [0.5, 0.5, 0.5],
            [0.5, -0.5, 0.5],
            [0, 0, 1]],
        at: [[1, 1, 1, 0],
             [0, 1, -1, -1]])

    /// F(4×4, 3×3), points 0, ±1, ±2, ∞.
    public static let f4x4 = WinogradReference(
        tile: 4,
        bt: [[4, 0, -5, 0, 1, 0],
             [0, -4, -4, 1, 1, 0],
             [0, 4, -4, -1, 1, 0],
             [0, -2, -1, 2, 1, 0],
             [0, 2, -1, -2, 1, 0],
             [0, 4, 0, -5, 0, 1]],
        g: [[1.0 / 4, 0, 0],
            [-1.0 / 6, -1.0 / 6, -1.0 / 6],
            [-1.0 / 6, 1.0 / 6, -1.0 / 6],
            [1.0 / 24, 1.0 / 12, 1.0 / 6],
            [1.0 / 24, -1.0 / 12, 1.0 / 6],
            [0, 0, 1]],
        at: [[1, 1, 1, 1, 1, 0],
             [0, 1, -1, 2, -2, 0],
             [0, 1, 1, 4, 4, 0],
             [0, 1, -1, 8, -8, 1]])

    /// Bᵀ d B of an n×n patch.
    public func input(_ d: Matrix) -> Matrix { Self.product(Self.product(bt, d), Self.transpose(bt)) }
    /// G g Gᵀ of 3×3 weights (n×n).
    public func weight(_ k: Matrix) -> Matrix { Self.product(Self.product(g, k), Self.transpose(g)) }
    /// Aᵀ m A of n×n products (m×m).
    public func output(_ m: Matrix) -> Matrix { Self.product(Self.product(at, m), Self.transpose(at)) }
    /// A e Aᵀ of an m×m output-gradient tile (n×n): the adjoint of `output`.
    public func outputGradient(_ e: Matrix) -> Matrix { Self.product(Self.product(Self.transpose(at), e), at) }
    /// Gᵀ u G of n×n transformed gradients (3×3): the adjoint of `weight`.
    public func weightGradient(_ u: Matrix) -> Matrix { Self.product(Self.product(Self.transpose(g), u), g) }

    /// The element-wise product of two matrices of one shape.
    public static func hadamard(_ a: Matrix, _ b: Matrix) -> Matrix {
        zip(a, b).map { zip($0, $1).map { $0 * $1 } }
    }

    public static func product(_ a: Matrix, _ b: Matrix) -> Matrix {
        precondition(a.first?.count == b.count, "product: \(a.count)×\(a.first?.count ?? 0) · \(b.count)×…")
        return a.map { row in
            (0..<b[0].count).map { j in row.indices.reduce(0.0) { $0 + row[$1] * b[$1][j] } }
        }
    }

    public static func transpose(_ a: Matrix) -> Matrix {
        (0..<a[0].count).map { j in a.map { $0[j] } }
    }

    /// The valid correlation of `d` (n×n) with `k` (3×3): out[r][c] = Σ k[i][j]·d[r + i][c + j], (n−2)×(n−2).
    public static func correlate(_ d: Matrix, _ k: Matrix) -> Matrix {
        let side = d.count - 2
        return (0..<side).map { r in
            (0..<side).map { c in
                var sum = 0.0
                for i in 0..<3 { for j in 0..<3 { sum += k[i][j] * d[r + i][c + j] } }
                return sum
            }
        }
    }
}
