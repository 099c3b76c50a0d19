import ConfigKit

/// A study file (`rednas study --config STUDY.yaml`): one base search config, the arms (each a
/// list of `--set` overrides of it), the seeds every arm is searched with, the common final
/// re-training protocol and the statistics settings. Keys are snake_case; unknown keys, wrong
/// types and bad values are errors naming file:line:column and the key path.
package struct StudyConfig: Codable, Equatable {
    /// The base search config, relative to the study file's folder (or absolute).
    package var base: String = ""
    /// The study directory (relative to the working directory); default `Results/<study file name>`.
    package var dir: String? = nil
    /// Search seeds; each arm runs one search per seed (the same seeds in every arm, so runs pair up).
    package var seeds: [Int] = []
    /// Overrides applied to the base config in every arm, before the arm's own.
    package var set: [String] = []
    /// The methods compared.
    package var arms: [StudyArm] = []
    /// The arm the others are tested against (the plain-accuracy search); default: the first arm.
    package var reference: String? = nil
    /// How every search's answer is re-trained and scored.
    package var final = FinalProtocol()
    /// Confidence intervals and their resampling.
    package var statistics = StatisticsSettings()

    enum CodingKeys: String, CodingKey { case base, dir, seeds, set, arms, reference, final, statistics }

    package init() {}

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self), d = Self()
        base = try c.decode(String.self, forKey: .base)
        dir = try c.decodeIfPresent(String.self, forKey: .dir)
        seeds = try c.decode([Int].self, forKey: .seeds)
        set = try c.decode(.set, default: d.set)
        arms = try c.decode([StudyArm].self, forKey: .arms)
        reference = try c.decodeIfPresent(String.self, forKey: .reference)
        final = try c.decode(.final, default: d.final)
        statistics = try c.decode(.statistics, default: d.statistics)
        try check(!base.isEmpty, .base, "give the path of the base search config", c)
        try check(dir.map { !$0.isEmpty } ?? true, .dir, "must not be empty", c)
        try check(!seeds.isEmpty, .seeds, "list at least one seed", c)
        try check(seeds.allSatisfy { $0 >= 0 }, .seeds, "seeds must be ≥ 0", c)
        try check(Set(seeds).count == seeds.count, .seeds, "lists a seed twice", c)
        try check(StudyArm.reservedKeysProblem(set) == nil, .set, StudyArm.reservedKeysProblem(set) ?? "", c)
        try check(!arms.isEmpty, .arms, "list at least one arm", c)
        let names = arms.map(\.name)
        try check(Set(names).count == names.count, .arms, "two arms share a name", c)
        if let reference {
            try check(names.contains(reference), .reference,
                      "'\(reference)' is not an arm (arms: \(names.joined(separator: ", ")))", c)
        }
    }

    /// The reference arm's name.
    package var referenceArm: String { reference ?? arms[0].name }

    private func check(_ condition: Bool, _ key: CodingKeys, _ message: @autoclosure () -> String,
                       _ c: KeyedDecodingContainer<CodingKeys>) throws {
        guard !condition else { return }
        throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: message())
    }
}
