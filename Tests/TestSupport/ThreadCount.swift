// Thread-count independence: the engine's results must be bit-identical for any worker count.
import XCTest
import TensorEngine

/// Runs `body` with 1 and with 3 compute threads and asserts bit-identical results; leaves the
/// engine at 1 thread.
public func assertSameForAnyThreadCount(file: StaticString = #filePath, line: UInt = #line,
                                        _ body: () -> [Tensor]) {
    ComputeThreads.set(1)
    let single = body()
    ComputeThreads.set(3)
    let multi = body()
    ComputeThreads.set(1)
    XCTAssertEqual(single, multi, "results differ between 1 and 3 compute threads", file: file, line: line)
}
