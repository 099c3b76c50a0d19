import ConfigKit

/// A search experiment (`rednas search`): one YAML file, every key optional (defaults below).
/// Keys are snake_case; unknown keys, wrong types and out-of-range values are errors naming
/// file:line:column and the key path.
///
/// One config language: every command that takes a config reads the same schema — the sections
/// `dataset`, `network`, `training`, `msrs`, `search`, `fitness`, `output` and the keys `arch`,
/// `seed`, `threads` — strictly (a typo or bad value is an error in any section), then uses the
/// parts it needs and ignores the rest. So a search's `config.yaml`, a `rednas train` config
/// (with `arch`) and `export.train.yaml` work with `search`, `train`, `msrs`, `eval` and `prune`.
package struct ExperimentConfig: Codable, Equatable {
    package var dataset = DatasetConfig()
    package var network = NetworkConfig()
    package var training = TrainingConfig()
    package var msrs = MSRSConfig()
    package var search = SearchConfig()
    package var fitness = FitnessConfig()
    /// Seed of the search (sampling, mutation) and of each candidate's training.
    package var seed: Int = 0
    /// Worker threads for BLAS and data loading; 0 = all cores.
    package var threads: Int = 0
    package var output = OutputConfig()
    /// The architecture `rednas train` trains (index or string); the other commands ignore it
    /// (a search proposes its own; `msrs`, `eval` and `prune` read it from the weights file).
    package var arch: String? = nil

    package init() {}

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self), d = Self()
        dataset = try c.decode(.dataset, default: d.dataset)
        network = try c.decode(.network, default: d.network)
        training = try c.decode(.training, default: d.training)
        msrs = try c.decode(.msrs, default: d.msrs)
        search = try c.decode(.search, default: d.search)
        fitness = try c.decode(.fitness, default: d.fitness)
        arch = try c.decodeIfPresent(String.self, forKey: .arch)
        seed = try c.decode(.seed, default: d.seed)
        threads = try c.decode(.threads, default: d.threads)
        output = try c.decode(.output, default: d.output)
        try validateRunKeys(seed: seed, threads: threads, at: c)
        try validateScheduler(at: c)
    }

    /// The scheduler's lowest rung must lie below the top rung, `training.epochs` (reported at
    /// `search.scheduler.min_epochs`).
    private func validateScheduler<K: CodingKey>(at c: KeyedDecodingContainer<K>) throws {
        let scheduler = search.scheduler
        guard scheduler.kind != .none, scheduler.minEpochs >= training.epochs else { return }
        let s = try c.nestedContainer(keyedBy: SearchConfig.CodingKeys.self, forKey: K(stringValue: "search")!)
        let k = try s.nestedContainer(keyedBy: SchedulerConfig.CodingKeys.self, forKey: .scheduler)
        try require(false, "min_epochs", "must be below training.epochs (\(training.epochs), the top rung), found "
                    + "\(scheduler.minEpochs)", at: k)
    }
}

/// Training one architecture (`rednas train`): dataset, network and training sections, `arch`,
/// `seed`, `threads`, `output`. The same schema as ``ExperimentConfig``: its `msrs`, `search` and
/// `fitness` sections are read with the same strict rules (typos and bad values are errors) and
/// then ignored, so a search's config works here too.
package struct TrainRunConfig: Codable, Equatable {
    package var dataset = DatasetConfig()
    package var network = NetworkConfig()
    package var training = TrainingConfig()
    /// The architecture: a benchmark index (`9930`) or an architecture string (`|nor_conv_3x3~0|+...`);
    /// may be given on the command line instead.
    package var arch: String? = nil
    /// Seed of weight initialisation and data order.
    package var seed: Int = 0
    /// Worker threads; 0 = all cores.
    package var threads: Int = 0
    package var output = OutputConfig()

    package init() {}

    /// Decodes the whole experiment schema (every section strict) and keeps what training uses.
    package init(from decoder: Decoder) throws {
        self.init(try ExperimentConfig(from: decoder))
    }

    /// The sections of `experiment` that training uses.
    package init(_ experiment: ExperimentConfig) {
        (dataset, network, training, arch) = (experiment.dataset, experiment.network, experiment.training, experiment.arch)
        (seed, threads, output) = (experiment.seed, experiment.threads, experiment.output)
    }

    /// This config as the full schema (defaults for the sections training ignores).
    package var experiment: ExperimentConfig {
        var e = ExperimentConfig()
        (e.dataset, e.network, e.training, e.arch) = (dataset, network, training, arch)
        (e.seed, e.threads, e.output) = (seed, threads, output)
        return e
    }
}

/// The `output` section: where run directories go.
package struct OutputConfig: Codable, Equatable {
    /// Parent folder of run directories.
    package var runsDir: String = "Results"
    /// Run directory name; default: generated from the config name, date and seed.
    package var name: String? = nil

    enum CodingKeys: String, CodingKey { case runsDir = "runs_dir", name }

    package init() {}

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self), d = Self()
        runsDir = try c.decode(.runsDir, default: d.runsDir)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        try require(!runsDir.isEmpty, "runs_dir", "must not be empty", at: c)
        try require(name.map { !$0.isEmpty && !$0.contains("/") } ?? true, "name",
                    "must be a plain folder name (no '/')", at: c)
    }
}

/// A range check for a top-level scalar, raised where the key is, from inside `init(from:)`.
func require<K: CodingKey>(_ condition: Bool, _ key: String, _ message: @autoclosure () -> String,
                           at container: KeyedDecodingContainer<K>) throws {
    guard !condition else { return }
    let codingKey = K(stringValue: key)!
    throw DecodingError.dataCorruptedError(forKey: codingKey, in: container, debugDescription: message())
}

/// The `seed` and `threads` rules both config kinds share, reported at their keys' lines.
private func validateRunKeys<K: CodingKey>(seed: Int, threads: Int, at c: KeyedDecodingContainer<K>) throws {
    try require(seed >= 0, "seed", "must be ≥ 0, found \(seed)", at: c)
    try require((0...256).contains(threads), "threads", "must be between 0 and 256 (0 = all cores), found \(threads)", at: c)
}
