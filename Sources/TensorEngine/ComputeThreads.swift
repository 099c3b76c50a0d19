import Dispatch
import Synchronization

/// The engine's one thread-count setting.
///
/// Kernels parallelise over independent work items (images, channels, planes) with
/// `Parallel.forEach`, using at most `ComputeThreads.count` workers. OpenBLAS is kept
/// single-threaded because every GEMM the engine issues is either inside such a parallel loop
/// (per-image convolution GEMMs) or too small to gain from threads; nesting both would
/// oversubscribe the cores.
///
/// Results do not depend on the thread count: work is split into chunks fixed by the problem size
/// alone, each chunk's result is computed by one worker, and partial results are combined in chunk
/// order.
public enum ComputeThreads {
    // An atomic so that reading the count from any thread is defined (Swift 6 strict concurrency);
    // `set` is still meant for start-up, not for changing the count under running kernels.
    private static let width = Atomic<Int>(1)

    /// Number of workers the engine's parallel loops use (≥ 1). Default 1 until `set` is called.
    public static var count: Int { width.load(ordering: .relaxed) }

    /// Sets the worker count for engine kernels (clamped to ≥ 1), pins OpenBLAS to one thread and
    /// tunes the allocator for tensor traffic (`keepFreedMemory()`).
    /// Call once per process (e.g. from the CLI), not concurrently with running kernels.
    public static func set(_ threads: Int) {
        width.store(max(1, threads), ordering: .relaxed)
        BLAS.threads = 1
        AllocatorTuning.keepFreedMemory()
    }
}

/// Deterministic parallel loops over chunked index ranges.
enum Parallel {
    /// Runs `body(chunk)` for every `chunk` in `0..<chunks`, on up to `ComputeThreads.count` workers.
    /// Each chunk runs exactly once; which worker runs it does not affect the result.
    /// Workers take the next chunk as they finish one: on a shared machine a core can lose half
    /// its time to other work, and a fixed split would leave the other core waiting for it.
    static func forEach(chunks: Int, _ body: (Int) -> Void) {
        let workers = min(ComputeThreads.count, chunks)
        if workers <= 1 {
            for c in 0..<chunks { body(c) }
            return
        }
        let next = Atomic<Int>(0)
        withoutActuallyEscaping(body) { body in
            // The workers share `body` although it is not `Sendable`: by this function's contract
            // each chunk touches its own part of the memory, and `concurrentPerform` returns only
            // after every worker has finished.
            nonisolated(unsafe) let shared = body
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard c < chunks else { return }
                    shared(c)
                }
            }
        }
    }

    /// The half-open range of items `0..<items` that chunk `chunk` of `chunks` covers (contiguous,
    /// sizes differing by at most one).
    static func range(ofChunk chunk: Int, of chunks: Int, items: Int) -> Range<Int> {
        let base = items / chunks, extra = items % chunks
        let start = chunk * base + min(chunk, extra)
        return start..<(start + base + (chunk < extra ? 1 : 0))
    }

    /// A chunk count for `items` independent items that depends only on the problem size.
    static func chunkCount(items: Int, maxChunks: Int = 16) -> Int { max(1, min(items, maxChunks)) }
}

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
