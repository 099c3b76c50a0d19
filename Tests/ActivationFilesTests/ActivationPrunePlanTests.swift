import ActivationFiles
import Foundation
import Redundancy
import XCTest

/// The spec's ResNet-56 selector check (§5), reproduced from activation files.
final class ActivationPrunePlanTests: XCTestCase {
    /// The authors' adjacent CKA of ResNet-56 (27 blocks) and the blocks K = 13 keeps.
    static let resNet56: [Double] = [
        0.8040034, 0.9623917, 0.9816055, 0.9818996, 0.9646843, 0.9950012, 0.96210957, 0.95488405, 0.9958612,
        0.9714489, 0.99030924, 0.9881511, 0.99465436, 0.99431086, 0.9923767, 0.9919683, 0.9893893, 0.9911849,
        0.9701058, 0.9823101, 0.9843625, 0.98163974, 0.966809, 0.93328685, 0.9032259, 0.8794835, 0.8777317,
    ]
    static let keptFor13 = [0, 1, 2, 4, 6, 7, 9, 18, 22, 23, 24, 25, 26]

    /// 28 one-feature taps whose biased CKA between neighbours is exactly `targets` (up to Float
    /// rounding): for centred unit vectors, biased linear CKA of 1-D features is corr², so
    /// x_{k+1} = √t_k · x_k + √(1 − t_k) · e_k with e_k centred, unit and orthogonal to x_k gives t_k.
    static func chainTaps(targets: [Double], samples n: Int) -> [ActivationFixture.Tap] {
        var state: UInt64 = 12345
        func unitCentred(orthogonalTo x: [Double]?) -> [Double] {
            var v = (0..<n).map { _ -> Double in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Double(state >> 11) * 0x1p-53 - 0.5
            }
            let mean = v.reduce(0, +) / Double(n)
            v = v.map { $0 - mean }
            if let x {
                let dot = zip(v, x).reduce(0) { $0 + $1.0 * $1.1 }
                v = zip(v, x).map { $0 - dot * $1 }
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / norm }
        }
        var x = unitCentred(orthogonalTo: nil)
        var taps = [ActivationFixture.Tap(name: "stem", shape: [n, 1], values: x.map { Float($0) })]
        for (k, t) in targets.enumerated() {
            let e = unitCentred(orthogonalTo: x)
            x = zip(x, e).map { t.squareRoot() * $0 + (1 - t).squareRoot() * $1 }
            taps.append(.init(name: "block\(k)", shape: [n, 1], values: x.map { Float($0) }))
        }
        return taps
    }

    func testResNet56CheckThroughActivationFiles() throws {
        let dir = try ActivationFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = try ActivationFixture.write(Self.chainTaps(targets: Self.resNet56, samples: 64),
                                              to: dir.appendingPathComponent("resnet56.safetensors"))
        let m = try ActivationRedundancy.measure(ActivationSet(urls: [url]), parameters: MSRSParameters(estimator: .biased))
        let adjacent = try XCTUnwrap(m.result.adjacent)
        XCTAssertEqual(adjacent.count, 27)
        for (got, want) in zip(adjacent, Self.resNet56) { XCTAssertEqual(got, want, accuracy: 2e-6) }

        let plan = try ActivationPrunePlan(m, keep: 13, ratio: nil)
        XCTAssertEqual(plan.kept, Self.keptFor13)
        XCTAssertEqual(plan.removed, Array(Set(0..<27).subtracting(Self.keptFor13)).sorted())
        XCTAssertEqual(plan.stem, "stem")
        XCTAssertEqual(plan.blocks[4].tensor, "block4")
        XCTAssertEqual(plan.blocks.filter(\.keep).map(\.index), Self.keptFor13)
        // --ratio: 13/27 rounds to 13 blocks, the same plan.
        XCTAssertEqual(try ActivationPrunePlan(m, keep: nil, ratio: 13.0 / 27).kept, Self.keptFor13)
        XCTAssertThrowsError(try ActivationPrunePlan(m, keep: 28, ratio: nil))
    }
}
