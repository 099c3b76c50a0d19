import XCTest
@testable import CellSpace

/// Shapes at the limits: refused with the field named, or counted without overflow.
final class NetworkLimitsTests: XCTestCase {
    func testShapesBeyondTheLimitsAreRefused() {
        func message(_ body: () throws -> NetworkSpec) -> String {
            do { _ = try body(); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(message { try NetworkSpec(channels: 100_000_000) },
                       "invalid network channels 100000000: it must be between 1 and 4096")
        XCTAssertEqual(message { try NetworkSpec(inputSize: 4_000_000_000) },
                       "invalid network input size 4000000000: it must be a multiple of 4 (the two reductions halve it) between 4 and 1024")
        XCTAssertEqual(message { try NetworkSpec(cells: 1_000_000_000) },
                       "invalid network cells per stage [1000000000, 1000000000, 1000000000]: it must be 3 counts (one per stage), each between 0 and 1000")
        XCTAssertEqual(message { try NetworkSpec(classes: 100_001) }, "invalid network classes 100001: it must be between 1 and 100000")
    }

    func testTheLargestShapeIsCountedWithoutOverflow() throws {
        let limits = NetworkSpec.Limits.self
        let spec = try NetworkSpec(channels: limits.channels, cellsPerStage: Array(repeating: limits.cellsPerStage, count: 3),
                                   classes: limits.classes, inputChannels: 3, inputSize: limits.inputSize)
        let cell = Cell(repeating: .conv3x3)
        let flops = spec.flops(for: cell), params = spec.parameterCount(for: cell)
        // The same sums in Double agree (to Double's precision): no wrap-around.
        let layers = spec.layers(for: cell)
        XCTAssertEqual(Double(flops), layers.reduce(0.0) { $0 + Double($1.flops) }, accuracy: 1e6 * Double(layers.count))
        XCTAssertLessThan(Double(flops), 3e18)
        XCTAssertGreaterThan(params, 0)
    }

    func testMemoryEstimate() throws {
        // C = 1, N = 0, 4×4 input, 1 class, counted by hand: stem conv 1·3·9 = 27 + BN 2; reduction 1 (1→2): conv_a 2·1·9 = 18, BN 4, conv_b 2·2·9 = 36,
        // BN 4, downsample 2·1 = 2; reduction 2 (2→4): 72 + 8 + 144 + 8 + 8; head BN 8 + linear 4 + 1.
        let spec = try NetworkSpec(channels: 1, cellsPerStage: [0, 0, 0], classes: 1, inputChannels: 3, inputSize: 4)
        let parameters = 27 + 2 + 18 + 4 + 36 + 4 + 2 + 72 + 8 + 144 + 8 + 8 + 8 + 4 + 1
        XCTAssertEqual(spec.parameterCount(for: Cell(repeating: .conv3x3)), parameters)
        let estimate = spec.trainingMemoryEstimate(batchSize: 10)
        XCTAssertEqual(estimate.parameterBytes, Double(16 * parameters))
        // Per image: stem 2·1·16, reduction 1: 6·2·4, reduction 2: 6·4·1; 4 bytes each, 10 images.
        XCTAssertEqual(estimate.activationBytes, Double(4 * 10 * (32 + 48 + 24)))
        // A floor: the all-3×3 C16 N5 network at batch 256 peaked at 1530 MiB in `rednas bench`
        // (README); the estimate is 1,253,376 floats an image + 16 bytes × 1,531,546 parameters.
        let c16 = NetworkSpec.cifar10.trainingMemoryEstimate(batchSize: 256)
        XCTAssertEqual(c16.activationBytes, 4 * 256 * 1_253_376)
        XCTAssertEqual(c16.parameterBytes, 16 * 1_531_546)
        XCTAssertLessThan(c16.totalBytes, 1530 * 1024 * 1024)
        // The benchmark network fits easily; 4096 channels at N = 5 do not fit in any machine here.
        XCTAssertLessThan(NetworkSpec.cifar10.trainingMemoryEstimate(batchSize: 256).totalBytes, 4e9)
        XCTAssertGreaterThan(try NetworkSpec(channels: 4096).trainingMemoryEstimate(batchSize: 256).totalBytes, 1e12)
    }
}
