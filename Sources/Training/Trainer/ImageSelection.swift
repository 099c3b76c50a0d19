import Datasets
import Foundation
import NeuralNet

/// A named list of images of one dataset part (e.g. "valid" = indices into the training part).
package struct ImageSelection: Sendable {
    package var name: String
    package var part: ImageSet
    package var indices: [Int]

    package init(name: String, part: ImageSet, indices: [Int]? = nil) {
        self.name = name; self.part = part; self.indices = indices ?? Array(0..<part.count)
    }
}
