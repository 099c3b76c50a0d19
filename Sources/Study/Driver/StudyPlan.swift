import Configuration
import Foundation
import Persistence

/// What a study directory was started with and may not change when it is continued: the arms,
/// seeds, overrides, final protocol and the resolved configs they give. (The statistics settings
/// may change: they only affect the report.)
package struct StudyPlan: Codable, Equatable {
    package var base: String
    package var seeds: [Int]
    package var set: [String]
    package var arms: [StudyArm]
    package var final: FinalProtocol
    /// Each arm's resolved search config (YAML, at the first seed), in arm order.
    package var armConfigs: [String]
    package var finalConfig: String
    /// The database the searches live in (nil: their run directories).
    package var database: StudyDatabase?

    package init(_ study: LoadedStudy, database: StudyDatabase? = nil) throws {
        self.database = database
        base = study.basePath
        seeds = study.config.seeds
        set = study.config.set
        arms = study.config.arms
        final = study.config.final
        armConfigs = try study.armConfigs.map { try $0.resolvedYAML() }
        finalConfig = try study.finalConfig.resolvedYAML()
    }

    /// What differs from `other`, in words (empty when nothing).
    package func differences(from other: StudyPlan) -> [String] {
        var out: [String] = []
        if database != other.database {
            func place(_ d: StudyDatabase?) -> String { d.map { "--storage \($0.url)" } ?? "run directories" }
            out.append("storage \(place(other.database)) → \(place(database))")
        }
        if seeds != other.seeds { out.append("seeds \(other.seeds) → \(seeds)") }
        if set != other.set { out.append("set") }
        if arms.map(\.name) != other.arms.map(\.name) {
            out.append("arms [\(other.arms.map(\.name).joined(separator: ", "))] → [\(arms.map(\.name).joined(separator: ", "))]")
        } else {
            for (a, b) in zip(arms, other.arms) where a.set != b.set { out.append("arms.\(a.name).set") }
            for (k, (a, b)) in zip(armConfigs, other.armConfigs).enumerated() where a != b && arms[k].set == other.arms[k].set {
                out.append("the resolved search config of arm \(arms[k].name) (was the base config edited?)")
            }
        }
        if final != other.final { out.append("final") } else if finalConfig != other.finalConfig {
            out.append("the resolved final config (was the base config edited?)")
        }
        return out
    }
}

extension StudyDirectory {
    /// Creates the study directory for `study`, or checks that an existing one was started with the
    /// same plan (and the same `database`).
    /// - Throws: ``StudyError/planChanged`` naming what differs.
    package func prepare(for study: LoadedStudy, database: StudyDatabase? = nil) throws {
        let plan = try StudyPlan(study, database: database)
        if exists {
            let stored = try JSONStyle.decoder().decode(StudyPlan.self, from: Data(contentsOf: self.plan))
            let changes = plan.differences(from: stored)
            if !changes.isEmpty { throw StudyError.planChanged(directory: url.path, changes: changes) }
            return
        }
        try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
        try AtomicFile.write(try String(contentsOfFile: study.file, encoding: .utf8), to: studyFile)
        try AtomicFile.write(try JSONStyle.document(plan), to: self.plan)  // last: it marks the folder as a study
    }

    /// The stored plan.
    /// - Throws: ``StudyError/notAStudy`` when the folder holds none.
    package func loadPlan() throws -> StudyPlan {
        guard exists else { throw StudyError.notAStudy(url.path) }
        do { return try JSONStyle.decoder().decode(StudyPlan.self, from: Data(contentsOf: plan)) } catch {
            throw StudyError.damaged(path: plan.path, detail: "\(error)")
        }
    }
}
