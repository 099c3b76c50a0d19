import Search

/// One search of a study: an arm with a seed, in its own run directory.
package struct StudyJob {
    package var arm: StudyArm
    package var seed: Int
    package var run: RunDirectory
    /// The overrides of the base config that make this search.
    package var overrides: [String]
    /// The base search config's path.
    package var basePath: String

    /// `arm/seed-s`: the key of failures and log lines.
    package var key: String { "\(arm.name)/seed-\(seed)" }
}

extension LoadedStudy {
    /// Every (arm, seed) search in arm order, then seed order.
    package func jobs(in directory: StudyDirectory) -> [StudyJob] {
        config.arms.flatMap { arm in
            config.seeds.map { seed in
                StudyJob(arm: arm, seed: seed, run: directory.run(arm: arm.name, seed: seed),
                         overrides: searchOverrides(arm: arm, seed: seed), basePath: basePath)
            }
        }
    }
}
