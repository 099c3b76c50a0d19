import Redundancy

extension CKAHeatmap {
    /// The heatmap of a measurement's mean CKA matrix.
    /// - Throws: `ReportError.invalidMatrix` when the MSRS is undefined (no matrix) or labels do not match.
    package init(result: MSRSResult, labels: [String], title: String) throws {
        guard let cka = result.cka else {
            throw ReportError.invalidMatrix("the MSRS measurement is undefined, so it has no CKA matrix")
        }
        try self.init(matrix: cka, labels: labels, title: title)
    }

    /// Labels of the L = 3N + 3 tapped representations of a NATS cell network (spec §1), in tap order:
    /// "stem", "cell 0" … "cell N−1", "reduction 1", "cell N" …, "reduction 2", … "cell 3N−1".
    package static func natsTapLabels(cellsPerStage n: Int) -> [String] {
        var labels = ["stem"]
        for stage in 0..<3 {
            if stage > 0 { labels.append("reduction \(stage)") }
            labels += (0..<n).map { "cell \(stage * n + $0)" }
        }
        return labels
    }
}
