/// The features of one representation on one batch: `rows` samples × `columns` features, row-major.
///
/// Storage stays in the precision it arrived in (a flattened activation can be large, so it is not
/// widened until its Gram matrix is formed); every CKA product is computed in Double.
public struct FeatureMatrix: Sendable {
    /// The values, row-major, in the precision they arrived in.
    public enum Storage: Sendable {
        case float([Float])
        case double([Double])
    }

    /// n, the number of samples.
    public let rows: Int
    /// p, the number of features per sample.
    public let columns: Int
    /// `rows × columns` values, row-major (sample-major).
    public let storage: Storage

    /// Wraps `values` (shape rows × columns, row-major) without copying.
    /// - Throws: `RedundancyError.invalidShape` when the count does not match or a dimension is < 1.
    public init(rows: Int, columns: Int, values: [Float]) throws {
        try Self.checkShape(rows: rows, columns: columns, count: values.count)
        self.rows = rows
        self.columns = columns
        self.storage = .float(values)
    }

    /// Wraps `values` (shape rows × columns, row-major) without copying.
    /// - Throws: `RedundancyError.invalidShape` when the count does not match or a dimension is < 1.
    public init(rows: Int, columns: Int, values: [Double]) throws {
        try Self.checkShape(rows: rows, columns: columns, count: values.count)
        self.rows = rows
        self.columns = columns
        self.storage = .double(values)
    }

    /// A small matrix written as rows (tests, examples). All rows must have the same length.
    public init(_ rowValues: [[Double]]) throws {
        let width = rowValues.first?.count ?? 0
        guard rowValues.allSatisfy({ $0.count == width }) else {
            throw RedundancyError.invalidShape(shape: [rowValues.count, width], valueCount: rowValues.joined().count,
                                               reason: "rows have different lengths")
        }
        try self.init(rows: rowValues.count, columns: width, values: Array(rowValues.joined()))
    }

    /// The value of sample `row`, feature `column`, widened to Double.
    public subscript(row: Int, column: Int) -> Double {
        switch storage {
        case .float(let v): return Double(v[row * columns + column])
        case .double(let v): return v[row * columns + column]
        }
    }

    private static func checkShape(rows: Int, columns: Int, count: Int) throws {
        guard rows >= 1, columns >= 1 else {
            throw RedundancyError.invalidShape(shape: [rows, columns], valueCount: count,
                                               reason: "a feature matrix needs at least one sample and one feature")
        }
        guard rows * columns == count else {
            throw RedundancyError.invalidShape(shape: [rows, columns], valueCount: count,
                                               reason: "expected \(rows) × \(columns) = \(rows * columns) values")
        }
    }
}
