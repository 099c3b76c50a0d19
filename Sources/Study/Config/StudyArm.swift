import ConfigKit

/// One method of a study: a name and the `--set` overrides that turn the base config into it
/// (e.g. `fitness.kind=penalty`, `fitness.lambda=5`, `search.algorithm=random`).
package struct StudyArm: Codable, Equatable, ConfigValidatable {
    /// Folder-safe name (letters, digits, `-`, `_`, `.`), unique in the study.
    package var name: String
    /// Overrides of the base config, `key.path=value`, applied in order.
    package var set: [String]

    package init(name: String, set: [String]) {
        self.name = name; self.set = set
    }

    enum CodingKeys: String, CodingKey { case name, set }

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        set = try c.decode(.set, default: [])
    }

    package func validate() throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        try require(!name.isEmpty && name.allSatisfy(allowed.contains) && name != "." && name != "..", "name",
                    "'\(name)' must be a folder-safe name (letters, digits, '-', '_', '.')")
        if let problem = Self.reservedKeysProblem(set) { try require(false, "set", problem) }
    }

    /// Keys the study itself controls: the seed (from `seeds`), where runs go, and the threads
    /// (the study splits the cores between its workers).
    static let reservedKeys = ["seed", "output", "threads"]

    /// A message when an override is malformed or sets a reserved key; nil when all are fine.
    static func reservedKeysProblem(_ overrides: [String]) -> String? {
        for text in overrides {
            guard let equals = text.firstIndex(of: "=") else { return "'\(text)' is not key.path=value" }
            let key = text[..<equals].trimmingCharacters(in: .whitespaces)
            let head = key.split(separator: ".").first.map(String.init) ?? key
            if reservedKeys.contains(head) {
                return "'\(text)': the study sets \(head) itself (seeds come from `seeds`, runs go to the study directory)"
            }
        }
        return nil
    }
}
