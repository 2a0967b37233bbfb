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
/// The curve and its formulas are ``RateCurve``'s; the pacer adds the stops
/// (`run_time`, `max_offered`) and the rounding.
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
    /// Stop offering at this elapsed time (s), if set.
    public let endTime: Double?
    /// Stop after this many calls, if set.
    public let maxCalls: Int?

    /// Tolerance so that an integral of 19.999999999 counts as 20.
    private static let epsilon = 1e-9

    public init(curve: RateCurve, endTime: Double? = nil, maxCalls: Int? = nil) {
        self.curve = curve
        self.endTime = endTime
        self.maxCalls = maxCalls
    }

    /// The decision at `elapsed` seconds with `launched` calls made.
    public func pace(elapsed: Double, launched: Int) -> Decision {
        if let maxCalls, launched >= maxCalls { return .stop }
        if let endTime, elapsed >= endTime {
            // Calls due before the end that a late timer has not launched yet still go
            // out (late, their lag shows it): the number made never depends on timing.
            var owed = calls(dueBefore: endTime)
            if let maxCalls { owed = min(owed, maxCalls) }
            return owed > launched ? .launch(owed - launched) : .stop
        }
        var due = self.due(at: elapsed)
        if let maxCalls { due = min(due, maxCalls) }
        if due > launched { return .launch(due - launched) }
        let next = time(ofCall: launched)
        if let endTime, next >= endTime { return .wait(max(0, endTime - elapsed)) }
        guard next.isFinite else { return .stop }
        return .wait(max(0, next - elapsed))
    }

    /// How many calls are due by `elapsed` seconds: ⌊∫₀ᵗ rate⌋.
    public func due(at elapsed: Double) -> Int {
        let area = curve.integral(to: max(0, elapsed))
        return area.isFinite ? Int((area + Self.epsilon).rounded(.down)) : Int.max
    }

    /// How many calls are due strictly before `end` (a call due exactly at the end of
    /// the run is not made).
    func calls(dueBefore end: Double) -> Int {
        var count = due(at: end)
        while count > 0, time(ofCall: count - 1) >= end { count -= 1 }
        return count
    }

    /// The time (s) at which call number `index` (0-based) is due: the t where
    /// ∫₀ᵗ rate = index + 1. `.infinity` if the curve never gets there.
    public func time(ofCall index: Int) -> Double {
        curve.time(reaching: Double(index + 1))
    }

    /// The target rate at `elapsed` seconds.
    public func rate(at elapsed: Double) -> Double { curve.rate(at: elapsed) }
}
