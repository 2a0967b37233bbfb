/// A log-linear latency histogram (HdrHistogram's idea, written small): fixed memory,
/// at most 0.4 % relative error from 1 µs to over an hour, and two histograms merge
/// exactly by adding their counts.
///
/// Values are recorded in whole microseconds. Below 128 µs each value has its own
/// bucket (exact). Above, each power of two [2ᵉ, 2ᵉ⁺¹) is cut into 128 equal buckets,
/// so a bucket is at most 1/128 of its lowest value wide, and reporting its midpoint
/// is off by at most half that (0.39 %):
///
///     index(v) = v                                  for v < 128
///     index(v) = 128·(e − 6) + (v >> (e − 7)) − 128  for v ≥ 128, e = ⌊log₂ v⌋
///
/// Min, max, mean and standard deviation are kept exactly alongside.
public struct LatencyHistogram: Sendable, Equatable {
    /// Sub-buckets per power of two.
    static let subBuckets = 128
    /// Powers of two covered: 2³⁶ µs is about 19 hours.
    static let maxExponent = 36

    private(set) var counts: [Int64]
    public private(set) var count: Int64 = 0
    public private(set) var min: Int64 = .max
    public private(set) var max: Int64 = 0
    private var sum: Double = 0
    private var sumOfSquares: Double = 0

    public init() {
        counts = Array(repeating: 0, count: Self.subBuckets * (Self.maxExponent - 5))
    }

    /// Records one value in µs (negative values count as 0; huge ones in the top bucket).
    public mutating func record(microseconds value: Int64) {
        let value = Swift.max(0, value)
        counts[Self.index(of: value)] += 1
        count += 1
        min = Swift.min(min, value)
        max = Swift.max(max, value)
        let v = Double(value)
        sum += v
        sumOfSquares += v * v
    }

    /// Records a value in milliseconds.
    public mutating func record(milliseconds value: Double) {
        record(microseconds: Int64((value * 1_000).rounded()))
    }

    /// Adds another histogram's counts (exact).
    public mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
        count += other.count
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
        sum += other.sum
        sumOfSquares += other.sumOfSquares
    }

    /// The value (µs) at or below which `percentile` % of the values lie; nil when empty.
    public func value(atPercentile percentile: Double) -> Int64? {
        guard count > 0 else { return nil }
        let rank = Swift.max(1, Int64((Double(count) * percentile / 100).rounded(.up)))
        var seen: Int64 = 0
        for (index, bucketCount) in counts.enumerated() where bucketCount > 0 {
            seen += bucketCount
            if seen >= rank {
                return Swift.min(Swift.max(Self.midpoint(of: index), min), max)
            }
        }
        return max
    }

    /// Mean in µs; nil when empty.
    public var mean: Double? { count > 0 ? sum / Double(count) : nil }

    /// Population standard deviation in µs; nil when empty.
    public var standardDeviation: Double? {
        guard count > 0 else { return nil }
        let mean = sum / Double(count)
        return Swift.max(0, sumOfSquares / Double(count) - mean * mean).squareRoot()
    }

    /// Non-empty buckets as (lowest value, highest value, count), for charts and merges.
    public var buckets: [(low: Int64, high: Int64, count: Int64)] {
        counts.enumerated().compactMap { index, count in
            guard count > 0 else { return nil }
            let (low, width) = Self.range(of: index)
            return (low, low + width - 1, count)
        }
    }

    // MARK: Bucket math

    static func index(of value: Int64) -> Int {
        if value < Int64(subBuckets) { return Int(value) }
        let exponent = Swift.min(63 - value.leadingZeroBitCount, maxExponent)
        let shift = exponent - 7
        let sub = Swift.min(Int(value >> shift), 2 * subBuckets - 1)
        return subBuckets * (exponent - 6) + sub - subBuckets
    }

    /// The lowest value of a bucket and its width.
    static func range(of index: Int) -> (low: Int64, width: Int64) {
        if index < subBuckets { return (Int64(index), 1) }
        let exponent = index / subBuckets + 6
        let sub = index % subBuckets + subBuckets
        let shift = exponent - 7
        return (Int64(sub) << shift, Int64(1) << shift)
    }

    static func midpoint(of index: Int) -> Int64 {
        let (low, width) = range(of: index)
        return low + (width - 1) / 2
    }
}
