import Dispatch
import Synchronization

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
