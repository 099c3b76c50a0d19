import CellSpace
import ConfigKit
import Foundation
import Configuration
import RunModel

/// A search-space definition file (`SearchSpaces/nats-tss.yaml`): the NATS cell's node count and
/// the candidate operations, as data. Decoded strictly: an unknown key or op names its line.
package struct SearchSpaceFile: Codable, Equatable, ConfigValidatable {
    package var name: String = "nats-tss"
    package var nodes: Int = 4
    package var operations: [String] = Operation.allCases.map(\.rawValue)

    enum CodingKeys: String, CodingKey { case name, nodes, operations }

    package init() {}

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self), d = Self()
        name = try c.decode(.name, default: d.name)
        nodes = try c.decode(.nodes, default: d.nodes)
        operations = try c.decode(.operations, default: d.operations)
    }

    package func validate() throws {
        try require(nodes == Cell.nodeCount, "nodes", "the NATS topology cell has \(Cell.nodeCount) nodes, found \(nodes)")
        do { _ = try SearchSpace(operationNames: operations) } catch {
            throw InvalidConfigValue(key: "operations", "\(error)")
        }
    }

    package static func load(contentsOfFile path: String) throws -> SearchSpaceFile {
        try ConfigDecoder().decode(SearchSpaceFile.self, contentsOfFile: path)
    }

    /// The space a config's `search.space` names: the built-in `nats-tss` (the default), or a
    /// space file. A file that does not exist is an error naming the key, the path as resolved
    /// (relative paths are read from the working directory) and the built-in alternative.
    package static func load(setting value: String) throws -> SearchSpaceFile {
        if value == builtInName {
            return try ConfigDecoder().decode(SearchSpaceFile.self, yaml: builtInYAML, name: "built-in search space nats-tss")
        }
        let absolute = URL(fileURLWithPath: value).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: absolute) else {
            throw SearchError.damaged(path: "search.space",
                detail: "the space file \(value) does not exist" + (value.hasPrefix("/") ? "" : " (relative to the working directory: \(absolute))")
                    + "; leave search.space out (or set it to \(builtInName)) for the built-in standard space")
        }
        return try load(contentsOfFile: value)
    }

    /// The space, restricted to `ops` when given (each must be in the file's list).
    package func space(restrictedTo ops: [String]?) throws -> SearchSpace {
        guard let ops else { return try SearchSpace(operationNames: operations) }
        if let stray = ops.first(where: { !operations.contains($0) }) {
            throw SearchError.damaged(path: "search.ops", detail: "operation '\(stray)' is not in the space file (\(operations.joined(separator: ", ")))")
        }
        return try SearchSpace(operationNames: ops)
    }
}
