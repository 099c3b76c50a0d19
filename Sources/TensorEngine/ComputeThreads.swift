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
