import Datasets
import Foundation
import NeuralNet

/// Bad training requests and failed resumes; each says what is wrong and where.
package enum TrainingError: Error, CustomStringConvertible, LocalizedError, Equatable {
    case invalidRecipe(String)
    case dataMismatch(String)
    case checkpoint(path: String, detail: String)

    package var description: String {
        switch self {
        case .invalidRecipe(let detail): return "invalid training settings: \(detail)"
        case .dataMismatch(let detail): return "the data does not fit the network: \(detail)"
        case let .checkpoint(path, detail): return "\(path): \(detail)"
        }
    }

    package var errorDescription: String? { description }
}
