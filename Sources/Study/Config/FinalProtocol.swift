import ConfigKit

/// The `final` section: how each search's answer is re-trained and scored, the same way for every
/// arm. The final config is the base config (with the study's common `set`) plus `set` below, with
/// MSRS measured on the test split unless `set` says otherwise; the search's own overrides do not
/// apply, so every answer is judged under one protocol.
package struct FinalProtocol: Codable, Equatable, ConfigValidatable {
    /// Training seeds; each answer is re-trained once per seed and its metrics averaged.
    package var seeds: [Int] = [0]
    /// Overrides of the base config for re-training (e.g. `training.epochs=10`, `dataset.train_subset=0`).
    package var set: [String] = []

    enum CodingKeys: String, CodingKey { case seeds, set }

    package init() {}

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self), d = Self()
        seeds = try c.decode(.seeds, default: d.seeds)
        set = try c.decode(.set, default: d.set)
    }

    package func validate() throws {
        try require(!seeds.isEmpty, "seeds", "list at least one training seed")
        try require(seeds.allSatisfy { $0 >= 0 }, "seeds", "seeds must be ≥ 0")
        try require(Set(seeds).count == seeds.count, "seeds", "lists a seed twice")
        if let problem = StudyArm.reservedKeysProblem(set) { try require(false, "set", problem) }
    }

    /// What the final config starts from before `set`: MSRS on the test split.
    static let defaults = ["msrs.split=test"]
}
