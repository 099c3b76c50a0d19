import CellSpace
import Configuration
import Evolution
import Foundation
import Persistence
import Redundancy
import RunModel
import Search

/// A run directory in the real format with made-up training results, for checking the report
/// and dashboard at any size (`rednas bench synth-run`). The search is the real one (the run's
/// `EvolutionarySearch`, canonical cache, seeds, journal with binding and checksums, candidate
/// folders); only "train and score" is replaced by a fixed function of the cell and its seed that
/// writes what the real evaluator writes: `metrics.json` (`CandidateFile`, per-epoch history) and
/// `msrs.json` (an `MSRSResult` with an L × L CKA matrix). Params and FLOPs are the cells' real
/// counts. Finish times follow a simulated clock with a pause part-way, like a stopped and resumed run.
///
/// Unlike `SearchDriver` it saves the search state once at the end (the driver's per-evaluation
/// state checkpoint is quadratic in the run length). Calling it again with more candidates extends
/// the run, replaying the journal first exactly as `resume` does.
package enum SyntheticRun {
    /// Writes or extends the run at `url` up to `candidates` evaluations; returns how many it added.
    /// - Throws: `SearchError` when `url` holds a run whose journal does not verify or replay.
    @discardableResult
    package static func write(to url: URL, candidates: Int, seed: Int = 0) throws -> Int {
        var run = RunDirectory(url)
        var config: ExperimentConfig
        if FileManager.default.fileExists(atPath: run.config.path) {
            config = try ExperimentConfig.load(contentsOfFile: run.config.path)
        } else {
            config = ExperimentConfig()
            config.seed = seed
            config.training.epochs = 12
            config.search.population = 20
            config.search.sampleSize = 5
            config.search.budget = BudgetConfig(evaluations: candidates)
            run = try SearchSession.create(config: config, runDir: url.path)
        }
        var settings = try SearchSession.settings(for: config, run: run)
        settings.budget = Budget(evaluations: candidates)
        let journal = try run.verifiedJournal(expected: try RunBinding.of(run: run))
        let search = EvolutionarySearch(space: CellGenomeSpace(settings.space), algorithm: settings.algorithm,
                                        fitness: settings.fitness)
        var state = SearchState<Cell>(seed: settings.seed)
        var records: [EvaluationRecord] = []
        for record in journal.records {
            let proposal = search.propose(&state)
            guard proposal.genome.architectureString == record.arch else {
                throw SearchError.journalMismatch(path: run.journal.path, number: record.number, journal: record.arch,
                                                  proposed: proposal.genome.architectureString)
            }
            search.record(record.result, reused: record.reused, seconds: record.seconds, into: &state)
            records.append(record)
        }
        let spec = try NetworkSpec(channels: config.network.channels, cellsPerStage: config.network.stageCells,
                                   classes: 10, inputChannels: 1, inputSize: 28)
        let layers = 3 * (config.network.stageCells.first ?? 5) + 3
        let origin = Date(timeIntervalSince1970: 1_796_000_000)
        var clock = records.last.flatMap { ISO8601DateFormatter().date(from: $0.finishedAt) } ?? origin
        let added = max(0, candidates - records.count)
        // The first trained evaluation of each canonical cell (what the driver's cache reuses).
        var trained: [String: Int] = [:]
        for r in records where !r.reused && trained[r.canonical] == nil { trained[r.canonical] = r.number }
        for number in records.count..<max(records.count, candidates) {
            let proposal = search.propose(&state)
            let task = CandidateTask(number: number, cell: proposal.genome, seed: settings.candidateSeed(number))
            var metrics: CandidateMetrics
            var seconds = 0.0
            var reusedFrom: Int?
            if settings.reuseCanonical, let earlier = trained[task.cell.canonicalString] {
                metrics = records[earlier].metrics
                reusedFrom = earlier
            } else {
                let folder = try run.workspace(for: task)
                let made = Self.evaluation(task, epochs: config.training.epochs, layers: layers,
                                           tau: config.msrs.tau, beta: config.msrs.beta)
                metrics = made.metrics
                seconds = metrics.trainSeconds + metrics.msrsSeconds
                if let msrs = made.msrs {
                    try AtomicFile.write(try JSONStyle.document(msrs), to: folder.appendingPathComponent("msrs.json"))
                }
                let file = CandidateFile(arch: task.cell.architectureString, index: task.cell.index, seed: task.seed,
                                         metrics: metrics, training: made.training)
                try AtomicFile.write(try file.encoded(), to: folder.appendingPathComponent(CandidateFile.fileName))
            }
            metrics.params = spec.parameterCount(for: task.cell)
            metrics.flops = spec.flops(for: task.cell)
            clock += seconds + 2
            if number == candidates * 2 / 5 { clock += 1_800 }   // a stop and a resume half an hour later
            let record = EvaluationRecord(number: number, arch: task.cell.architectureString, index: task.cell.index,
                                          canonical: task.cell.canonicalString, seed: task.seed, parent: proposal.parent,
                                          reusedFrom: reusedFrom, result: EvaluationRecord.searchResult(from: metrics),
                                          metrics: metrics, seconds: seconds,
                                          finishedAt: Timestamp.iso8601(clock))
            try run.appendToJournal(record)
            if reusedFrom == nil && trained[record.canonical] == nil { trained[record.canonical] = number }
            search.record(record.result, reused: record.reused, seconds: seconds, into: &state)
            records.append(record)
        }
        try run.saveState(try JSONStyle.document(state, pretty: false))
        return added
    }

    /// The made-up evaluation of a task: accuracy grows with convolutions, redundancy with skips
    /// and 1×1 convolutions, plus seeded noise; every 29th diverges, every 13th has an undefined MSRS.
    static func evaluation(_ task: CandidateTask, epochs: Int, layers: Int, tau: Double,
                           beta: Double) -> (metrics: CandidateMetrics, training: TrainingResult, msrs: MSRSResult?) {
        var generator = SplitMix(task.seed)
        let ops = task.cell.operations
        let score = ops.map { op -> Double in
            switch op {
            case .conv3x3: return 5.5
            case .conv1x1: return 3.8
            case .skipConnect: return 2.5
            case .avgPool3x3: return 1.2
            case .none: return 0
            }
        }.reduce(0, +)
        let final = min(94, 55 + score + 4 * generator.unit())
        let redundancy = Double(ops.filter { $0 == .skipConnect || $0 == .conv1x1 }.count) / 6
        let rate = 2.0 + 2 * generator.unit()
        var history: [EpochMetrics] = []
        let diverges = task.seed % 29 == 0
        for epoch in 1...max(1, epochs) {
            if diverges && epoch == min(3, epochs) { break }
            let progress = 1 - exp(-Double(epoch) / rate)
            let valid = 10 + (final - 10) * progress + 0.8 * (generator.unit() - 0.5)
            let train = min(99, valid + 1.5 * progress + 0.5 * generator.unit())
            let seconds = 8 + 4 * generator.unit()
            history.append(EpochMetrics(epoch: epoch, learningRate: 0.1 * 0.5 * (1 + cos(Double.pi * Double(epoch - 1) / Double(epochs))),
                                        trainLoss: 2.3 * (1 - progress) + 0.25, trainAccuracy: train,
                                        validLoss: 2.3 * (1 - progress) + 0.3, validAccuracy: valid,
                                        seconds: seconds, imagesPerSecond: 6000 / seconds))
        }
        if !diverges, !history.isEmpty {
            // The test split is evaluated once, after the last epoch, as the real evaluator does.
            history[history.count - 1].testAccuracy = final - 0.6 + generator.unit()
            history[history.count - 1].testLoss = 0.32
        }
        let training = TrainingResult(totalEpochs: epochs, history: history,
                                      diverged: diverges ? "diverged at epoch \(history.count + 1), step 17" : nil)
        var metrics = training.candidateMetrics(params: 0, flops: 0, weights: nil)
        metrics.msrsSeconds = 1.5
        guard !diverges else { return (metrics, training, nil) }
        let parameters = MSRSParameters(beta: beta, threshold: tau)
        let pairs = layers * (layers - 1) / 2
        if task.seed % 13 == 0 {
            metrics.msrsUndefined = "every batch gave NaN similarities"
            let result = MSRSResult(score: .undefined(reason: metrics.msrsUndefined!), layers: layers, pairs: pairs,
                                    batchesSeen: 4, batchesUsed: 0, batchScores: [nil, nil, nil, nil], cka: nil, adjacent: nil,
                                    parameters: parameters)
            return (metrics, training, result)
        }
        // CKA falls with layer distance, more slowly for redundant cells.
        let reach = 3 + 30 * redundancy * (0.6 + 0.8 * generator.unit())
        var cka = Array(repeating: Array(repeating: 1.0, count: layers), count: layers)
        for i in 0..<layers {
            for j in (i + 1)..<max(i + 1, layers) {
                let value = min(1, max(0, exp(-Double(j - i) / reach) + 0.06 * (generator.unit() - 0.5)))
                cka[i][j] = value
                cka[j][i] = value
            }
        }
        var soft = 0.0
        for i in 0..<layers { for j in (i + 1)..<max(i + 1, layers) { soft += 1 / (1 + exp(-beta * (cka[i][j] - tau))) } }
        metrics.msrs = soft
        metrics.msrsNormalized = soft / Double(pairs)
        let result = MSRSResult(score: .defined(msrs: soft, normalized: soft / Double(pairs)), layers: layers, pairs: pairs,
                                batchesSeen: 4, batchesUsed: 4, batchScores: [soft, soft, soft, soft], cka: cka,
                                adjacent: (0..<(layers - 1)).map { cka[$0][$0 + 1] }, parameters: parameters)
        return (metrics, training, result)
    }

    /// SplitMix64: a tiny seeded stream for the made-up numbers (independent of the search's generators).
    struct SplitMix {
        var state: UInt64
        init(_ seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }
}
