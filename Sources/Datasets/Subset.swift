import Randomness

/// Smaller index lists for proxy runs (train on 5,000 images instead of 25,000, …).
public enum Subset {
    /// How to choose a subset.
    public enum Method: String, Codable, Sendable {
        /// The first `size` entries of a seeded permutation of the indices, returned sorted.
        case random
        /// Per class, `size · n_k / n` images (largest remainder for the rounding, ties to the
        /// smaller class index), each class's chosen from a seeded permutation; returned sorted.
        /// Keeps the class balance of the input list.
        case stratified
    }

    /// A seeded subset of `indices` of exactly `size` entries (all of them when `size ≥ count`),
    /// sorted ascending. `labels` is the part's label array (needed for `.stratified`).
    public static func choose(_ size: Int, from indices: [Int], labels: [Int32], method: Method,
                              seed: UInt64) throws -> [Int] {
        guard size >= 0 else { throw DatasetError.invalidRequest("subset size \(size) must not be negative") }
        if size >= indices.count { return indices.sorted() }
        var generator = SeededGenerator(seed: seed)
        switch method {
        case .random:
            var order = indices
            generator.shuffle(&order)
            return order[..<size].sorted()
        case .stratified:
            return try stratified(size, from: indices, labels: labels, generator: &generator)
        }
    }

    private static func stratified(_ size: Int, from indices: [Int], labels: [Int32],
                                   generator: inout SeededGenerator) throws -> [Int] {
        var byClass: [Int32: [Int]] = [:]
        for i in indices {
            guard labels.indices.contains(i) else {
                throw DatasetError.invalidRequest("index \(i) is outside the part (\(labels.count) images)")
            }
            byClass[labels[i], default: []].append(i)
        }
        let classes = byClass.keys.sorted()
        // Largest-remainder apportionment of `size` over the classes.
        let exact = classes.map { Double(size) * Double(byClass[$0]!.count) / Double(indices.count) }
        var quota = exact.map { Int($0.rounded(.down)) }
        let order = classes.indices.sorted { (exact[$0] - Double(quota[$0]), -$0) > (exact[$1] - Double(quota[$1]), -$1) }
        for k in order.prefix(size - quota.reduce(0, +)) { quota[k] += 1 }
        var chosen: [Int] = []
        for (k, label) in classes.enumerated() {
            var members = byClass[label]!
            generator.shuffle(&members)
            chosen += members.prefix(quota[k])
        }
        return chosen.sorted()
    }
}
