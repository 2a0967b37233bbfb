/// A rate over time, in calls per second summed over all slaves: the profile's `load`
/// (`rate` or `ramp`) and what the ``Pacer`` paces by, one and the same value.
///
/// Each curve carries its formulas, with t in seconds (vegeta's `ConstantPacer`,
/// `LinearPacer`):
///
/// - constant r:           rate(t) = r;  ∫₀ᵗ = r·t;  peak r
/// - linear a→b over T:    rate(t) = a + (b−a)·t/T;  ∫₀ᵗ = a·t + (b−a)·t²/(2T) for t ≤ T,
///                         then (a+b)·T/2 + b·(t−T);  peak max(a, b)
/// - stepped (rᵢ for dᵢ)…: rate(t) = rₖ in stage k;  ∫₀ᵗ = the whole stages' rᵢ·dᵢ plus
///                         rₖ·(t − start of stage k);  peak max rᵢ
///
/// After a ramp (linear or stepped) its last rate holds until the run stops.
public enum RateCurve: Sendable, Equatable {
    /// `rate: R`: R calls/s throughout.
    case constant(Double)
    /// `ramp: { from, to, over }`: from `from` to `to` calls/s linearly over `over`
    /// seconds, then `to` until the run stops.
    case linear(from: Double, to: Double, over: Double)
    /// `ramp: { stages: [{ rate, for }, …] }`: each stage's rate for its seconds, then
    /// the last stage's rate until the run stops.
    case stepped([Stage])

    /// One step of a stepped curve: `rate` calls/s for `seconds`.
    public struct Stage: Sendable, Equatable {
        /// `rate`: calls/s during the stage (0 pauses).
        public var rate: Double
        /// `for`: the stage's length in seconds.
        public var seconds: Double
        public init(rate: Double, seconds: Double) {
            self.rate = rate
            self.seconds = seconds
        }
    }

    /// The highest rate of the curve (calls/s).
    public var peak: Double {
        switch self {
        case .constant(let rate): rate
        case .linear(let from, let to, _): max(from, to)
        case .stepped(let stages): stages.map(\.rate).max() ?? 0
        }
    }

    /// Seconds until the curve reaches its last rate (0 for a constant rate).
    public var rampTime: Double {
        switch self {
        case .constant: 0
        case .linear(_, _, let over): over
        case .stepped(let stages): stages.reduce(0) { $0 + $1.seconds }
        }
    }

    /// The rate at `t` seconds.
    public func rate(at t: Double) -> Double {
        switch self {
        case .constant(let rate):
            return rate
        case .linear(let from, let to, let over):
            return t >= over ? to : from + (to - from) * t / over
        case .stepped(let stages):
            var start = 0.0
            for stage in stages {
                if t < start + stage.seconds { return stage.rate }
                start += stage.seconds
            }
            return stages.last?.rate ?? 0
        }
    }

    /// ∫₀ᵗ rate: the calls due by `t` seconds, before rounding.
    public func integral(to t: Double) -> Double {
        switch self {
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

    /// The smallest t with ∫₀ᵗ rate ≥ `area`; `.infinity` if the curve never gets there.
    public func time(reaching area: Double) -> Double {
        if area <= 0 { return 0 }
        switch self {
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
