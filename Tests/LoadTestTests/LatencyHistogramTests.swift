import Foundation
@testable import LoadTest
import Testing

@Suite struct LatencyHistogramTests {
    /// Exact percentile of sorted samples (nearest rank), the reference.
    func exact(_ sorted: [Int64], _ percentile: Double) -> Int64 {
        let rank = max(1, Int((Double(sorted.count) * percentile / 100).rounded(.up)))
        return sorted[rank - 1]
    }

    @Test(arguments: [1, 2, 3])
    func percentilesAreWithinOnePercentOfTheExactOnes(seed: UInt64) {
        var random = SplitMix(seed: seed)
        // Log-uniform from 1 µs to 1 hour: every range of the histogram is exercised.
        let samples: [Int64] = (0..<50_000).map { _ in
            Int64(exp(Double.random(in: 0...log(3_600_000_000), using: &random)))
        }
        var histogram = LatencyHistogram()
        for sample in samples { histogram.record(microseconds: sample) }
        let sorted = samples.sorted()
        for percentile in [50, 90, 95, 99, 99.9, 100] {
            let want = exact(sorted, percentile)
            let got = histogram.value(atPercentile: percentile)!
            #expect(abs(Double(got - want)) <= Double(want) * 0.01 + 1, "p\(percentile): \(got) vs \(want)")
        }
        #expect(histogram.min == sorted.first && histogram.max == sorted.last)
        let mean = Double(samples.reduce(0, +)) / Double(samples.count)
        #expect(abs(histogram.mean! - mean) < 1e-6 * mean)
    }

    @Test func mergingEqualsRecordingEverything() {
        var a = LatencyHistogram()
        var b = LatencyHistogram()
        var all = LatencyHistogram()
        for value in stride(from: Int64(0), to: 200_000, by: 7) {
            if value % 2 == 0 { a.record(microseconds: value) } else { b.record(microseconds: value) }
            all.record(microseconds: value)
        }
        a.merge(b)
        #expect(a.counts == all.counts && a.count == all.count && a.min == all.min && a.max == all.max)
        #expect(a.value(atPercentile: 99) == all.value(atPercentile: 99))
    }

    @Test func everyValueFallsInABucketThatHoldsIt() {
        for value in [Int64(0), 1, 127, 128, 129, 255, 256, 1_000, 65_535, 1 << 20, 3_600_000_000] {
            let (low, width) = LatencyHistogram.range(of: LatencyHistogram.index(of: value))
            #expect(low <= value && value < low + width, "\(value) in [\(low), \(low + width))")
            #expect(Double(width) <= max(1, Double(low) / 128), "bucket of \(value) too wide")
        }
    }

    @Test func emptyHistogramHasNoFigures() {
        let empty = LatencyHistogram()
        #expect(empty.value(atPercentile: 50) == nil && empty.mean == nil && empty.standardDeviation == nil)
    }
}

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
