/// The pure rate math of a run: given the time elapsed and the calls launched so far,
/// launch some now, wait, or stop.
///
/// The number of calls due at time t is the integral of the rate curve, rounded down:
///
///     due(t) = ⌊ ∫₀ᵗ rate(s) ds ⌋
///
/// so a late timer only delays calls, it never changes how many are made: the backlog
/// is launched as soon as the timer fires, and the rate error does not accumulate
/// (vegeta's `Pace(elapsed, hits)`, k6's ramping arrival rate).
///
/// How many calls a run makes (the README's "Counting rules"):
/// - offering for T seconds (`run_time`) makes due(T) = ⌊∫₀ᵀ rate⌋ calls, the call due
///   at exactly T included: 20/s for 15 s is 300 calls (k6's constant-arrival-rate,
///   rate × time), the first due at 1/20 s, the last at 15 s;
/// - `max_offered` counts calls offered (sent): a call due while the limit is reached
///   is blocked, not offered, and does not count against it, so the run goes on until
///   that many were offered (SIPp's `-m` counts calls placed).
///
/// The curve and its formulas are ``RateCurve``'s; the pacer adds the stops
/// (`run_time`, `max_offered`) and the rounding.
///
/// A pacer of one ``ExecutionSegment`` (I of N) paces that segment's share of the same
/// curve: its due(t) is the number of the whole run's due calls k ≤ due(t) with
/// k ≡ I (mod N), its call j is due when the whole run's call I + j·N is, and its
/// rates and ∫ rate are the whole's / N; `maxCalls` is then the segment's own share.
public struct Pacer: Sendable, Equatable {
    /// What to do now.
    public enum Decision: Sendable, Equatable {
        /// Launch this many calls now (the backlog included).
        case launch(Int)
        /// Nothing is due for this many seconds.
        case wait(Double)
        /// The run is over.
        case stop
    }

    public let curve: RateCurve
    /// Stop offering at this elapsed time (s), if set; a call due at exactly this time
    /// is still made.
    public let endTime: Double?
    /// Stop after this many calls offered (blocked ones not counted), if set.
    public let maxCalls: Int?
    /// The share of the curve this pacer paces (``ExecutionSegment/whole``: all of it).
    public let segment: ExecutionSegment

    /// Tolerance so that an integral of 19.999999999 counts as 20.
    private static let epsilon = 1e-9

    public init(curve: RateCurve, endTime: Double? = nil, maxCalls: Int? = nil, segment: ExecutionSegment = .whole) {
        self.curve = curve
        self.endTime = endTime
        self.maxCalls = maxCalls
        self.segment = segment
    }

    /// The decision at `elapsed` seconds with `launched` calls handed out, `offered` of
    /// them made (the rest blocked by the limit; nil: all of them).
    public func pace(elapsed: Double, launched: Int, offered: Int? = nil) -> Decision {
        let offered = offered ?? launched
        if let maxCalls, offered >= maxCalls { return .stop }
        // Calls due by the end that a late timer has not launched yet still go out
        // (late, their lag shows it): the number made never depends on timing.
        let due = self.due(at: endTime.map { min(elapsed, $0) } ?? elapsed)
        if due > launched {
            let count = due - launched
            return .launch(maxCalls.map { min(count, $0 - offered) } ?? count)
        }
        if let endTime, elapsed >= endTime { return .stop }
        let next = time(ofCall: launched)
        guard next.isFinite else { return endTime.map { .wait(max(0, $0 - elapsed)) } ?? .stop }
        // Nothing more before the end: wait for it (offering lasts the whole run time).
        if let endTime, next > endTime { return .wait(max(0, endTime - elapsed)) }
        return .wait(max(0, next - elapsed))
    }

    /// How many calls are due by `elapsed` seconds: ⌊∫₀ᵗ rate⌋ (this segment's share
    /// of them).
    public func due(at elapsed: Double) -> Int {
        segment.share(of: wholeDue(at: elapsed))
    }

    /// How many calls of the whole run (every segment) are due by `elapsed` seconds.
    public func wholeDue(at elapsed: Double) -> Int {
        let area = curve.integral(to: max(0, elapsed))
        return area.isFinite && area < 9e18 ? Int((area + Self.epsilon).rounded(.down)) : Int.max
    }

    /// The time (s) at which call number `index` (0-based, this segment's) is due: the t
    /// where ∫₀ᵗ rate = its whole-run number + 1. `.infinity` if the curve never gets there.
    public func time(ofCall index: Int) -> Double {
        let whole = segment.wholeIndex(ofOwn: index)
        return whole == Int.max ? .infinity : curve.time(reaching: Double(whole + 1))
    }

    /// The target rate at `elapsed` seconds (this segment's part).
    public func rate(at elapsed: Double) -> Double { segment.part(of: curve.rate(at: elapsed)) }

    /// The target rate over `[from, to]` seconds: the calls the schedule asks for in
    /// that time (∫ rate, before rounding) per second of it; the rate at `from` for an
    /// empty interval. The run's `target_rate` is this over its offering time, a
    /// timeline row's over its second (the README's "Counting rules").
    public func targetRate(from: Double = 0, to: Double) -> Double {
        to > from ? scheduled(from: from, to: to) / (to - from) : rate(at: from)
    }

    /// The calls the schedule asks for over `[from, to]` seconds: ∫ rate, before
    /// rounding (this segment's part: the segments' add up to the whole's).
    public func scheduled(from: Double = 0, to: Double) -> Double {
        to > from ? segment.part(of: curve.integral(to: to) - curve.integral(to: from)) : 0
    }
}
