/// A histogram with fixed upper bounds, as Prometheus exposes one: a count per bucket,
/// the sum and the count of the values. Unlike ``LatencyHistogram`` (fine buckets for
/// the run's percentiles), its buckets are the few a dashboard aggregates across
/// generators and runs with `histogram_quantile`, the same for every run.
public struct BucketHistogram: Sendable, Equatable {
    /// Upper bounds of the buckets, seconds, for telephony latencies (answer, PDD,
    /// setup): 10 ms … 30 s. A last, implicit bucket (`+Inf`) takes the rest.
    public static let telephonySeconds: [Double] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    /// The buckets' upper bounds, ascending (without `+Inf`).
    public let bounds: [Double]
    /// Values in each bucket alone (not cumulative): `counts[i]` holds the values in
    /// (bounds[i − 1], bounds[i]]; the last element, past the bounds, those above the
    /// highest bound.
    public private(set) var counts: [Int]
    public private(set) var count = 0
    public private(set) var sum = 0.0

    public init(bounds: [Double] = BucketHistogram.telephonySeconds) {
        self.bounds = bounds
        counts = Array(repeating: 0, count: bounds.count + 1)
    }

    /// Records one value (negative values count as 0, as ``LatencyHistogram`` does).
    public mutating func record(_ value: Double) {
        let value = max(0, value)
        let index = bounds.firstIndex { value <= $0 } ?? bounds.count
        counts[index] += 1
        count += 1
        sum += value
    }

    /// The cumulative counts by upper bound, `+Inf` last (= ``count``): what the
    /// `_bucket{le=…}` samples say.
    public var cumulative: [(upperBound: Double, count: Int)] {
        var running = 0
        return counts.indices.map { index in
            running += counts[index]
            return (index < bounds.count ? bounds[index] : .infinity, running)
        }
    }
}
