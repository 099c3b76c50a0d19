/// Which points of a set are Pareto-optimal (non-dominated) when every objective is to be
/// maximised (negate an objective to minimise it).
public enum ParetoOptimality {
    /// mask[i] is true when no other point is at least as good in every objective and strictly
    /// better in one. Points with a NaN objective are never optimal and dominate nothing. O(n²·k).
    /// - Precondition: every point has the same number of objectives.
    public static func nonDominated(_ points: [[Double]]) -> [Bool] {
        let usable = points.map { p in !p.contains { $0.isNaN } }
        return points.indices.map { i in
            guard usable[i] else { return false }
            return !points.indices.contains { j in
                guard j != i, usable[j] else { return false }
                precondition(points[j].count == points[i].count, "points need the same number of objectives")
                return zip(points[j], points[i]).allSatisfy { $0 >= $1 } && zip(points[j], points[i]).contains { $0 > $1 }
            }
        }
    }
}
