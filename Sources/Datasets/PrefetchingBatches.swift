import Foundation

/// An epoch's batches produced ahead of use on one background thread, through a bounded queue.
///
/// Determinism does not depend on timing: the producer builds batches strictly in order with
/// `BatchLoader.makeBatch`, whose randomness is derived from (seed, epoch, batch index).
/// `next()` blocks until the next batch is ready and returns nil after the last one. `close()`
/// stops the producer and waits for it to exit; it is called by `deinit` too.
public final class PrefetchingBatches: IteratorProtocol, Sequence, @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var ready: [Batch] = []
    private var producerDone = false
    private var cancelled = false
    private let depth: Int

    init(loader: BatchLoader, epoch: Int, startBatch: Int, depth: Int) {
        precondition(depth >= 1, "prefetch depth must be at least 1")
        self.depth = depth
        let first = Swift.max(0, Swift.min(startBatch, loader.batchCount))
        let thread = Thread { [condition, unowned(unsafe) self] in
            // `self` outlives the thread: `close()` (also run by deinit) waits for `producerDone`.
            let order = loader.order(epoch: epoch)
            for b in first..<loader.batchCount {
                condition.lock()
                while self.ready.count >= self.depth && !self.cancelled { condition.wait() }
                let stop = self.cancelled
                condition.unlock()
                if stop { break }
                let batch = loader.makeBatch(b, of: order, epoch: epoch)
                condition.lock()
                self.ready.append(batch)
                condition.broadcast()
                condition.unlock()
            }
            condition.lock()
            self.producerDone = true
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "rednas.batch-prefetch"
        thread.start()
    }

    deinit { close() }

    /// The next batch, or nil when the epoch is over or the iterator was closed.
    public func next() -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !producerDone && !cancelled { condition.wait() }
        guard !cancelled, !ready.isEmpty else { return nil }
        let batch = ready.removeFirst()
        condition.broadcast()
        return batch
    }

    /// Stops producing, drops prepared batches and waits until the background thread has exited.
    /// Idempotent.
    public func close() {
        condition.lock()
        cancelled = true
        ready.removeAll()
        condition.broadcast()
        while !producerDone { condition.wait() }
        condition.unlock()
    }
}
