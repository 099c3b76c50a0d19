/// A batch of images cut into chunks of consecutive images, fixed by the problem size alone (so a
/// kernel's results do not depend on the thread count).
struct ImageChunks {
    let batch, imagesPerChunk: Int

    /// Chunks of `targetImages` images (at least 1), but at least `minimumCount` chunks when the
    /// batch allows.
    init(batch: Int, targetImages: Int, minimumCount: Int = ImageChunks.minimumCount) {
        self.batch = batch
        imagesPerChunk = max(1, min(targetImages, (batch + minimumCount - 1) / minimumCount))
    }

    /// Chunks a batch is at least cut into: enough for two or four workers to share and to even out
    /// a core that is busy elsewhere (on small planes one chunk could otherwise hold a whole batch
    /// of 64, leaving the other workers idle).
    static let minimumCount = 8

    var count: Int { (batch + imagesPerChunk - 1) / imagesPerChunk }

    func images(ofChunk chunk: Int) -> Range<Int> {
        (chunk * imagesPerChunk)..<min(batch, (chunk + 1) * imagesPerChunk)
    }
}
