import Foundation
import Reports
import Training

extension WeightsRedundancy {
    /// A CKA heatmap of the mean similarity matrix (nil when no batch was usable).
    package func heatmapSVG() throws -> String? {
        guard result.cka != nil else { return nil }
        return try CKAHeatmap(result: result, labels: labels,
                              title: "Linear CKA between layers — index \(cell.index), MSRS \(result.msrs.map { String(format: "%.3f", $0) } ?? "undefined")").svg()
    }
}
