import TensorEngine

/// One measured case: a JSON line shaped like the PyTorch peer's records.
///
/// FLOP convention: `macsPerImage` is the benchmark's FLOP count (multiply-accumulates of convs and
/// linear layers); achieved GFLOP/s = 2 · MACs · images/s for inference and 3 × that for a
/// training step (forward + input-gradient + weight-gradient products).
package struct BenchmarkRecord: Codable, Sendable {
    package var engine = "rednas"
    package var config: String
    package var batch: Int
    /// "train", "infer" or "msrs" (one MSRS measurement: 10 batches of 256, GAP taps).
    package var mode: String
    package var threads: Int
    package var params: Int
    package var macsPerImage: Int
    package var reps: Int
    package var stepSecondsMedian, stepSecondsMin, stepSecondsMax: Double
    package var imagesPerSecondMedian, imagesPerSecondMin, imagesPerSecondMax: Double
    package var gflopsMedian: Double
    /// `VmHWM` of the process that measured this case (bytes), if known.
    package var peakResidentBytes: Int?
    /// The core OpenBLAS ran (`openblas_get_corename()`) and RedNAS's kernel set (`KernelSet`).
    package var openblasCore: String
    package var kernels: String

    enum CodingKeys: String, CodingKey {
        case engine, config, batch, mode, threads, params, reps
        case macsPerImage = "macs_per_img"
        case stepSecondsMedian = "step_s_median", stepSecondsMin = "step_s_min", stepSecondsMax = "step_s_max"
        case imagesPerSecondMedian = "img_s_median", imagesPerSecondMin = "img_s_min", imagesPerSecondMax = "img_s_max"
        case gflopsMedian = "gflops_median"
        case peakResidentBytes = "peak_rss_bytes"
        case openblasCore = "openblas_core", kernels
    }

    package init(config: String, batch: Int, mode: String, threads: Int, params: Int, macsPerImage: Int,
                timing: TimingSummary, imagesPerRun: Int, flopFactor: Double) {
        (self.config, self.batch, self.mode, self.threads) = (config, batch, mode, threads)
        (self.params, self.macsPerImage, self.reps) = (params, macsPerImage, timing.repetitions)
        (stepSecondsMedian, stepSecondsMin, stepSecondsMax) = (timing.median, timing.minimum, timing.maximum)
        let rate = timing.rate(items: Double(imagesPerRun))
        (imagesPerSecondMedian, imagesPerSecondMin, imagesPerSecondMax) = rate
        gflopsMedian = flopFactor * 2 * Double(macsPerImage) * rate.median / 1e9
        peakResidentBytes = ProcessMemory.peakResidentBytes()
        openblasCore = OpenBLASCore.current
        kernels = KernelSet.active.name
    }
}
