/// One candidate in the two-objective space: accuracy (maximised) and MSRS (minimised).
///
/// MSRS is compared at a stated tolerance: values are rounded to the grid of
/// ``Pareto/msrsTolerance`` (1e-6 of normalised MSRS) before any comparison, so two scores that
/// differ only in floating-point noise (e.g. 0.2 and 0.2 + 1e-9, from another thread count or
/// summation order) are equal for dominance. Rounding (rather than "within ε") keeps equality
/// transitive, so fronts stay well defined and the O(n log n) sweep stays exact.
public struct ParetoPoint: Equatable, Sendable {
    /// Accuracy in percent (maximised).
    public var accuracy: Double
    /// Normalised MSRS (minimised).
    public var msrs: Double

    /// `msrs` on the comparison grid (what dominance reads).
    public var comparedMSRS: Double { Pareto.comparable(msrs) }

    /// A point at (`accuracy`, `msrs`).
    public init(accuracy: Double, msrs: Double) {
        self.accuracy = accuracy
        self.msrs = msrs
    }

    /// At least as good in both objectives and strictly better in one.
    public func dominates(_ other: ParetoPoint) -> Bool {
        let (mine, theirs) = (comparedMSRS, other.comparedMSRS)
        return accuracy >= other.accuracy && mine <= theirs && (accuracy > other.accuracy || mine < theirs)
    }
}

/// Non-dominated sorting and crowding distance (NSGA-II, Deb et al. 2002) for two objectives.
public enum Pareto {
    /// The MSRS comparison grid: normalised MSRS values are compared rounded to 6 decimals.
    public static let msrsTolerance = 1e-6

    /// `msrs` rounded to the grid of ``msrsTolerance`` (non-finite values unchanged).
    public static func comparable(_ msrs: Double) -> Double {
        guard msrs.isFinite else { return msrs }
        return (msrs / msrsTolerance).rounded() * msrsTolerance
    }

    /// Front number of every point: 0 = not dominated by any point, 1 = dominated only by front 0, …
    /// Identical points share a front; MSRS is compared on the ``msrsTolerance`` grid. Complexity O(n log n): the points are swept by accuracy
    /// descending (MSRS ascending on ties), so every dominator of a point comes before it, and each
    /// point joins the first front none of whose members dominates it (found by binary search:
    /// a point dominated by front k + 1 is dominated by front k too).
    /// `Tests/TestSupport` holds the quadratic peeling definition this is checked against.
    public static func fronts(_ points: [ParetoPoint]) -> [Int] {
        let msrs = points.map(\.comparedMSRS)
        let order = points.indices.sorted { a, b in
            let (p, q) = (points[a], points[b])
            if p.accuracy != q.accuracy { return p.accuracy > q.accuracy }
            if msrs[a] != msrs[b] { return msrs[a] < msrs[b] }
            return a < b
        }
        // Per front: its lowest MSRS, and the highest accuracy among its members at that MSRS.
        var lowestMSRS: [Double] = [], accuracyAtLowest: [Double] = []
        var front = [Int](repeating: 0, count: points.count)
        for i in order {
            let p = ParetoPoint(accuracy: points[i].accuracy, msrs: msrs[i])
            let dominatedBy = { (k: Int) in
                lowestMSRS[k] < p.msrs || (lowestMSRS[k] == p.msrs && accuracyAtLowest[k] > p.accuracy)
            }
            var low = 0, high = lowestMSRS.count
            while low < high {
                let mid = (low + high) / 2
                if dominatedBy(mid) { low = mid + 1 } else { high = mid }
            }
            front[i] = low
            if low == lowestMSRS.count {
                lowestMSRS.append(p.msrs); accuracyAtLowest.append(p.accuracy)
            } else if p.msrs < lowestMSRS[low] {
                lowestMSRS[low] = p.msrs; accuracyAtLowest[low] = p.accuracy
            }
        }
        return front
    }

    /// Indices of the points of the first front (not dominated by any point), in index order. O(n log n).
    public static func firstFront(_ points: [ParetoPoint]) -> [Int] {
        let front = fronts(points)
        return points.indices.filter { front[$0] == 0 }
    }

    /// Crowding distance of each point of `members` (indices into `points`, one front), in the order
    /// of `members`: for each objective, members sorted by it (ties by position in `members`); the two
    /// extremes get +∞, inner ones add (next − previous) / (max − min). A front of ≤ 2 is all +∞.
    public static func crowding(_ points: [ParetoPoint], members: [Int]) -> [Double] {
        var distance = [Double](repeating: 0, count: members.count)
        guard members.count > 2 else { return distance.map { _ in .infinity } }
        let objectives: [(ParetoPoint) -> Double] = [{ $0.accuracy }, { $0.msrs }]
        for value in objectives {
            let order = Array(members.indices).stableSorted { value(points[members[$0]]) < value(points[members[$1]]) }
            let low = value(points[members[order.first!]]), high = value(points[members[order.last!]])
            distance[order.first!] = .infinity
            distance[order.last!] = .infinity
            guard high > low else { continue }
            for k in 1..<(order.count - 1) {
                let gap = value(points[members[order[k + 1]]]) - value(points[members[order[k - 1]]])
                distance[order[k]] += gap / (high - low)
            }
        }
        return distance
    }

    /// Indices of `points` best first: by front, then by larger crowding distance, then by position.
    public static func ranking(_ points: [ParetoPoint]) -> [Int] {
        let front = fronts(points)
        var crowd = [Double](repeating: 0, count: points.count)
        for level in Set(front) {
            let members = points.indices.filter { front[$0] == level }
            for (member, distance) in zip(members, crowding(points, members: members)) { crowd[member] = distance }
        }
        return Array(points.indices).stableSorted { a, b in
            front[a] != front[b] ? front[a] < front[b] : crowd[a] > crowd[b]
        }
    }
}
