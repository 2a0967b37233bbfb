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
/// Curves, with t in seconds:
/// - constant r:            ∫₀ᵗ = r·t
/// - linear a→b over T:     ∫₀ᵗ = a·t + (b−a)·t²/(2T) for t ≤ T, then the area so far
///                          plus b·(t−T) (the rate holds at b after the ramp)
/// - stepped (rᵢ for dᵢ)…:  the sum of whole stages, plus rₖ·(t − start of stage k);
///                          the last stage's rate holds after it
public struct Pacer: Sendable, Equatable {
    /// A rate over time, in calls per second.
    public enum Curve: Sendable, Equatable {
        case constant(Double)
        case linear(from: Double, to: Double, over: Double)
        case stepped([Stage])
    }

    /// One step of a stepped curve: `rate` calls/s for `seconds`.
    public struct Stage: Sendable, Equatable {
        public var rate: Double
        public var seconds: Double
        public init(rate: Double, seconds: Double) {
            self.rate = rate
            self.seconds = seconds
        }
    }

    /// What to do now.
    public enum Decision: Sendable, Equatable {
        /// Launch this many calls now (the backlog included).
        case launch(Int)
        /// Nothing is due for this many seconds.
        case wait(Double)
        /// The run is over.
        case stop
    }

    public let curve: Curve
    /// Stop offering at this elapsed time (s), if set.
    public let endTime: Double?
    /// Stop after this many calls, if set.
    public let maxCalls: Int?

    /// Tolerance so that an integral of 19.999999999 counts as 20.
    private static let epsilon = 1e-9

    public init(curve: Curve, endTime: Double? = nil, maxCalls: Int? = nil) {
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
        let area = integral(to: max(0, elapsed))
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
        inverse(Double(index + 1))
    }

    /// The target rate at `elapsed` seconds.
    public func rate(at elapsed: Double) -> Double {
        switch curve {
        case .constant(let rate):
            return rate
        case .linear(let from, let to, let over):
            return elapsed >= over ? to : from + (to - from) * elapsed / over
        case .stepped(let stages):
            var start = 0.0
            for stage in stages {
                if elapsed < start + stage.seconds { return stage.rate }
                start += stage.seconds
            }
            return stages.last?.rate ?? 0
        }
    }

    // MARK: Integral and its inverse

    func integral(to t: Double) -> Double {
        switch curve {
        case .constant(let rate):
            return rate * t
        case .linear(let from, let to, let over):
            if t <= over { return from * t + (to - from) * t * t / (2 * over) }
            return (from + to) * over / 2 + to * (t - over)
        case .stepped(let stages):
            var area = 0.0
            var start = 0.0
            for stage in stages {
                if t <= start + stage.seconds { return area + stage.rate * (t - start) }
                area += stage.rate * stage.seconds
                start += stage.seconds
            }
            return area + (stages.last?.rate ?? 0) * (t - start)
        }
    }

    /// The smallest t with ∫₀ᵗ rate ≥ `area`.
    func inverse(_ area: Double) -> Double {
        if area <= 0 { return 0 }
        switch curve {
        case .constant(let rate):
            return rate > 0 ? area / rate : .infinity
        case .linear(let from, let to, let over):
            let rampArea = (from + to) * over / 2
            if area <= rampArea {
                // Solve a·t² + from·t − area = 0, a = (to−from)/(2·over), for the
                // smallest t ≥ 0, in the form that does not cancel when a is small:
                // t = 2·area / (from + √(from² + 4·a·area)).
                let a = (to - from) / (2 * over)
                let root = (from * from + 4 * a * area).squareRoot()
                return from + root > 0 ? 2 * area / (from + root) : .infinity
            }
            return to > 0 ? over + (area - rampArea) / to : .infinity
        case .stepped(let stages):
            var covered = 0.0
            var start = 0.0
            for stage in stages {
                let stageArea = stage.rate * stage.seconds
                if covered + stageArea >= area, stage.rate > 0 {
                    return start + (area - covered) / stage.rate
                }
                covered += stageArea
                start += stage.seconds
            }
            let rate = stages.last?.rate ?? 0
            return rate > 0 ? start + (area - covered) / rate : .infinity
        }
    }
}
