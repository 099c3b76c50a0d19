import ConfigKit
import Configuration
import Foundation

/// A study file read, checked and resolved: every arm's search config and the final config decode
/// (so a typo in any override is reported before anything runs, at the line of the study file
/// that wrote it).
package struct LoadedStudy {
    package var config: StudyConfig
    /// The study file as given.
    package var file: String
    /// The base search config's path (resolved against the study file's folder).
    package var basePath: String
    /// Every arm's search config at the first seed, in arm order.
    package var armConfigs: [ExperimentConfig]
    /// The re-training config of every answer.
    package var finalConfig: ExperimentConfig

    /// Reads and checks the study at `path`.
    /// - Throws: ``ConfigError`` naming the study file's line, column and key (or the base file's
    ///   for an error in the base config itself).
    package static func load(contentsOfFile path: String) throws -> LoadedStudy {
        let document = try ConfigDocument(contentsOfFile: path)
        let config = try ConfigDecoder().decode(StudyConfig.self, from: document)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let basePath = config.base.hasPrefix("/") ? config.base : folder.appendingPathComponent(config.base).path
        guard FileManager.default.fileExists(atPath: basePath) else {
            throw located(document, [ConfigKey(stringValue: "base")], "no such file: \(basePath)")
        }
        var located: [(text: String, path: [ConfigKey])] = []
        for (j, text) in config.set.enumerated() { located.append((text, [key("set"), ConfigKey(intValue: j)])) }
        var armConfigs: [ExperimentConfig] = []
        for (i, arm) in config.arms.enumerated() {
            var overrides = located
            for (j, text) in arm.set.enumerated() {
                overrides.append((text, [key("arms"), ConfigKey(intValue: i), key("set"), ConfigKey(intValue: j)]))
            }
            let all = overrides.map(\.text) + ["seed=\(config.seeds[0])"]
            armConfigs.append(try locating(document, overrides) { try ExperimentConfig.load(contentsOfFile: basePath, overrides: all) })
        }
        var finalOverrides = located
        for (j, text) in config.final.set.enumerated() {
            finalOverrides.append((text, [key("final"), key("set"), ConfigKey(intValue: j)]))
        }
        let finalAll = config.set + FinalProtocol.defaults + config.final.set
        let finalConfig = try locating(document, finalOverrides) {
            try ExperimentConfig.load(contentsOfFile: basePath, overrides: finalAll)
        }
        return LoadedStudy(config: config, file: path, basePath: basePath, armConfigs: armConfigs, finalConfig: finalConfig)
    }

    /// The overrides of `arm`'s search with `seed`: the common ones, the arm's, then the seed.
    package func searchOverrides(arm: StudyArm, seed: Int) -> [String] {
        config.set + arm.set + ["seed=\(seed)"]
    }

    /// The overrides of the final config.
    package var finalOverrides: [String] { config.set + FinalProtocol.defaults + config.final.set }

    /// The study directory: `dir` from the file unless `override` is given.
    package func directory(override: String?) -> URL {
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        return URL(fileURLWithPath: override ?? config.dir ?? "Results/\(name)").standardizedFileURL
    }

    private static func key(_ name: String) -> ConfigKey { ConfigKey(stringValue: name) }

    /// Runs `body`; a ``ConfigError`` it throws about one of `overrides` is re-pointed at the study
    /// file line that wrote that override.
    private static func locating<T>(_ document: ConfigDocument, _ overrides: [(text: String, path: [ConfigKey])],
                                    _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ConfigError {
            guard case let .override(text) = error.source,
                  let entry = overrides.last(where: { $0.text == text }) else { throw error }
            let what = error.keyPath.map { "\($0): " } ?? ""
            throw located(document, entry.path, "\(text): \(what)\(error.message)")
        }
    }

    private static func located(_ document: ConfigDocument, _ path: [ConfigKey], _ message: String) -> ConfigError {
        let keyPath = path.reduce(into: "") { text, key in
            if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return ConfigError(source: document.location(of: path), keyPath: keyPath, message: message)
    }
}
