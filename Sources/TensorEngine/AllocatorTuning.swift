#if canImport(Glibc)
import Glibc
#endif

/// Allocator settings for tensor traffic (called by `ComputeThreads.set`).
public enum AllocatorTuning {
    /// Makes glibc serve tensor-sized blocks (up to 32 MiB) from its heap and keep freed memory
    /// mapped instead of handing it back to the kernel. Every op allocates its output afresh; with
    /// glibc's defaults each multi-megabyte tensor is a fresh `mmap`, so every step page-faults its
    /// whole working set in again (several times slower; figures in PERFORMANCE.md). Peak RSS is
    /// unchanged in kind:
    /// the heap holds at most the peak of live tensors plus fragmentation.
    public static func keepFreedMemory() {
        #if canImport(Glibc)
        // `mallopt` is not in Swift's Glibc module (malloc.h); look it up instead of adding a shim.
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3   // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
        _ = mallopt(mmapThreshold, 32 << 20)   // glibc's maximum
        _ = mallopt(trimThreshold, Int32.max)
        #endif
    }
}
