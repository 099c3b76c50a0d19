import CellSpace
import Foundation

/// Parameters and FLOPs (per image) of one network.
package struct NetworkCounts: Equatable, Sendable {
    package var params: Int
    package var flops: Int
    package init(params: Int, flops: Int) { self.params = params; self.flops = flops }
}
