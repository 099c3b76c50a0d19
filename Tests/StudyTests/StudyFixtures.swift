import CellSpace
import Foundation
import RunModel
@testable import Study

/// A deterministic stand-in for training: every metric is a fixed function of the cell and seed.
/// Convolutions raise accuracy; skip and none edges raise "MSRS". `stopAfter` requests a stop
/// once that many evaluations have started, counted over every evaluator sharing `counter`.
final class FakeTrainer: CandidateEvaluator, @unchecked Sendable {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
    }

    let counter: Counter
    let stopAfter: Int?

    init(counter: Counter = Counter(), stopAfter: Int? = nil) {
        self.counter = counter; self.stopAfter = stopAfter
    }

    func networkCounts(for cell: Cell) -> NetworkCounts? {
        let convs = cell.operations.filter { $0 == .conv3x3 || $0 == .conv1x1 }.count
        return NetworkCounts(params: 1000 + 500 * convs, flops: 100_000 + 40_000 * convs)
    }

    func evaluate(_ task: CandidateTask, in directory: URL, stop: StopSignal,
                  progress: (CandidateProgress) -> Void) throws -> CandidateOutcome {
        let started = counter.next()
        if let stopAfter, started > stopAfter { stop.request("test"); return .interrupted }
        let ops = task.cell.operations
        let score = ops.map { op -> Double in
            switch op {
            case .conv3x3: return 6
            case .conv1x1: return 4
            case .skipConnect: return 2
            case .avgPool3x3: return 1
            case .none: return 0
            }
        }.reduce(0, +)
        let noise = Double(task.seed % 997) / 997
        let redundancy = Double(ops.filter { $0 == .skipConnect || $0 == .conv1x1 }.count) / 6
        let counts = networkCounts(for: task.cell)!
        return .finished(CandidateMetrics(validAccuracy: 50 + score + noise, testAccuracy: 49 + score + noise / 2,
                                          msrs: redundancy * 15, msrsNormalized: redundancy, params: counts.params,
                                          flops: counts.flops, epochs: 1, trainSeconds: 1, msrsSeconds: 0))
    }
}

/// A temporary folder with a base search config and a study file over it.
struct StudyWorkspace {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("study-\(UUID())")

    init() throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try """
            dataset:
              kind: fashion-mnist
            search:
              population: 4
              sample_size: 2
              budget:
                evaluations: 6
            seed: 0
            """.write(to: url.appendingPathComponent("base.yaml"), atomically: true, encoding: .utf8)
    }

    /// Writes `study.yaml` with `body` and returns its path.
    @discardableResult
    func study(_ body: String, name: String = "study.yaml") throws -> String {
        let path = url.appendingPathComponent(name).path
        try body.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    var directory: StudyDirectory { StudyDirectory(url.appendingPathComponent("out")) }

    static let twoArms = """
        base: base.yaml
        dir: PLACEHOLDER
        seeds: [1, 2, 3]
        arms:
          - name: plain
            set: [fitness.kind=accuracy]
          - name: penalty
            set: [fitness.kind=penalty, fitness.lambda=30]
        final:
          seeds: [0, 1]
          set: [training.epochs=5]
        statistics:
          resamples: 500
        """

    /// The two-arm study; `extraArm` (YAML list items, indented by 2) is added to its arms.
    func twoArmStudy(extraArm: String = "") throws -> String {
        try study(Self.twoArms.replacingOccurrences(of: "PLACEHOLDER", with: directory.url.path)
            .replacingOccurrences(of: "final:", with: extraArm + "final:"))
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
