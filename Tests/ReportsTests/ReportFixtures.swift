import CellSpace
import Evolution
import Foundation
import Randomness
import Redundancy
@testable import Configuration
@testable import RunModel
@testable import Search

/// Deterministic metrics with every case a report must show: a spread of accuracies and MSRS,
/// some diverged candidates and some with an undefined MSRS. A fixed function of (cell, seed).
struct ReportFixtureMetrics {
    func metrics(_ task: CandidateTask) -> CandidateMetrics {
        let ops = task.cell.operations
        let score = ops.map { op -> Double in
            switch op {
            case .conv3x3: return 9
            case .conv1x1: return 6
            case .skipConnect: return 3.5
            case .avgPool3x3: return 2
            case .none: return 0
            }
        }.reduce(0, +)
        let u1 = Double(task.seed % 1000) / 1000, u2 = Double((task.seed >> 20) % 1000) / 1000
        let redundancy = Double(ops.filter { $0 == .skipConnect || $0 == .conv1x1 }.count) / 6
        var m = CandidateMetrics(validAccuracy: 35 + score + 6 * u1, testAccuracy: 34 + score + 6 * u2,
                                 msrs: nil, msrsNormalized: min(1, 0.15 + 0.6 * redundancy + 0.25 * u2),
                                 params: 20_000 + 3_000 * Int(score), flops: 1_000_000 + 77_777 * Int(score),
                                 epochs: 12, trainSeconds: 30 + 60 * u1, msrsSeconds: 2)
        m.msrs = m.msrsNormalized.map { $0 * 153 }   // L = 18: 153 pairs
        if task.seed % 23 == 0 {
            m.diverged = "diverged at epoch 3, step 17"; m.validAccuracy = 10; m.msrs = nil; m.msrsNormalized = nil
        } else if task.seed % 11 == 0 {
            m.msrs = nil; m.msrsNormalized = nil; m.msrsUndefined = "every batch gave NaN similarities"
        }
        return m
    }
}

/// Trains nothing: returns `ReportFixtureMetrics` and writes an `msrs.json` and a `metrics.json`
/// (`CandidateFile` with `ReportFixtures.history`) like the real evaluator.
final class ReportFixtureEvaluator: CandidateEvaluator {
    var writesMSRS = true
    var writesHistory = true

    func evaluate(_ task: CandidateTask, in directory: URL, stop: StopSignal,
                  progress: (CandidateProgress) -> Void) throws -> CandidateOutcome {
        let metrics = ReportFixtureMetrics().metrics(task)
        if writesMSRS && metrics.diverged == nil {
            let data = try JSONEncoder().encode(try ReportFixtures.msrsResult(layers: 18, seed: task.seed))
            try data.write(to: directory.appendingPathComponent("msrs.json"))
        }
        if writesHistory {
            let file = CandidateFile(arch: task.cell.architectureString, index: task.cell.index, seed: task.seed,
                                     metrics: metrics, training: ReportFixtures.history(metrics))
            try file.encoded().write(to: directory.appendingPathComponent(CandidateFile.fileName))
        }
        return .finished(metrics)
    }
}

enum ReportFixtures {
    static func temporaryFolder(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID())")
    }

    /// A resolved config for the run, with `search.population` = P and the given fitness.
    static func config(algorithm: SearchConfig.Algorithm = .rea, population: Int = 10, evaluations: Int,
                       fitness: FitnessConfig.Kind = .penalty) -> ExperimentConfig {
        var c = ExperimentConfig()
        c.search.algorithm = algorithm
        c.search.population = population
        c.search.budget = BudgetConfig(evaluations: evaluations)
        c.fitness.kind = fitness
        c.seed = 3
        return c
    }

    static func settings(_ c: ExperimentConfig) -> SearchSettings {
        SearchSettings(algorithm: c.search.evolutionAlgorithm, fitness: c.fitness.fitness,
                       budget: c.search.budget.budget, seed: UInt64(c.seed))
    }

    /// A real run directory made by `SearchDriver` with the fixture evaluator (milliseconds).
    static func drivenRun(at url: URL, config c: ExperimentConfig, writesMSRS: Bool = true) throws -> RunDirectory {
        let run = RunDirectory(url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try c.resolvedYAML().write(to: run.config, atomically: true, encoding: .utf8)
        let evaluator = ReportFixtureEvaluator()
        evaluator.writesMSRS = writesMSRS
        try SearchDriver(store: run, settings: settings(c), evaluator: evaluator).run()
        return run
    }

    /// A large run written directly: the same search as the driver would make (`EvolutionarySearch`
    /// on the same settings), journaled in one write — the driver's per-evaluation fsync and state
    /// checkpoint would make 10,000 evaluations slow for a unit test.
    static func largeRun(at url: URL, config c: ExperimentConfig) throws -> RunDirectory {
        let run = RunDirectory(url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try c.resolvedYAML().write(to: run.config, atomically: true, encoding: .utf8)
        let s = settings(c)
        let search = EvolutionarySearch(space: CellGenomeSpace(s.space), algorithm: s.algorithm, fitness: s.fitness)
        var state = SearchState<Cell>(seed: s.seed)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var journal = Data()
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        var elapsed = 0.0
        for number in 0..<(c.search.budget.evaluations ?? 0) {
            let proposal = search.propose(&state)
            let task = CandidateTask(number: number, cell: proposal.genome, seed: s.candidateSeed(number))
            let metrics = ReportFixtureMetrics().metrics(task)
            let seconds = metrics.trainSeconds + metrics.msrsSeconds
            elapsed += seconds
            let record = EvaluationRecord(number: number, arch: task.cell.architectureString, index: task.cell.index,
                                          canonical: task.cell.canonicalString, seed: task.seed, parent: proposal.parent,
                                          reusedFrom: nil, result: EvaluationRecord.searchResult(from: metrics),
                                          metrics: metrics, seconds: seconds,
                                          finishedAt: ISO8601DateFormatter().string(from: start.addingTimeInterval(elapsed)))
            search.record(record.result, reused: false, seconds: seconds, into: &state)
            journal.append(try encoder.encode(record))
            journal.append(UInt8(ascii: "\n"))
        }
        try journal.write(to: run.journal)
        return run
    }

    /// A per-epoch history ending at the metrics' valid accuracy: epoch e of E has valid accuracy
    /// final − 2.5·(E − e) and train accuracy 1 point above; a diverged run stops after 2 epochs.
    static func history(_ m: CandidateMetrics) -> TrainingResult {
        let epochs = m.diverged == nil ? m.epochs : 2
        let history = (1...epochs).map { e in
            EpochMetrics(epoch: e, learningRate: 0.1, trainLoss: 2.0 / Double(e), trainAccuracy: m.validAccuracy - 2.5 * Double(m.epochs - e) + 1,
                         validLoss: 2.1 / Double(e), validAccuracy: m.validAccuracy - 2.5 * Double(m.epochs - e),
                         seconds: 5, imagesPerSecond: 1000)
        }
        return TrainingResult(totalEpochs: m.epochs, history: history, diverged: m.diverged)
    }

    /// An MSRS measurement on synthetic features where neighbouring layers are similar (so the
    /// heatmap has structure): layer k = shared signal + k-dependent drift + noise.
    static func msrsResult(layers: Int, seed: UInt64) throws -> MSRSResult {
        var generator = SeededGenerator(seed: seed)
        var accumulator = try MSRSAccumulator(layerCount: layers)
        let n = 24, width = 6
        for _ in 0..<2 {
            let base = (0..<(n * width)).map { _ in generator.nextDouble() - 0.5 }
            let drift = (0..<(n * width)).map { _ in generator.nextDouble() - 0.5 }
            let features = try (0..<layers).map { k -> FeatureMatrix in
                let t = Double(k) / Double(layers)
                let values = (0..<(n * width)).map { i in base[i] * (1 - t) + drift[i] * t + 0.15 * (generator.nextDouble() - 0.5) }
                return try FeatureMatrix(rows: n, columns: width, values: values)
            }
            _ = try accumulator.add(layers: features)
        }
        return accumulator.finish()
    }
}
