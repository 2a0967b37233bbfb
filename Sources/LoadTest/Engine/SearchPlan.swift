/// A capacity search, resolved for the engine (``Profile/Load/Search`` in a profile):
/// the rate of each step, how long each lasts, the rules that end it and how long a
/// step's calls may take to end before it is judged as it is.
public struct SearchPlan: Sendable {
    /// Each step's rate, calls/s, in order.
    public var rates: [Double]
    /// Seconds each step lasts.
    public var stepSeconds: Double
    /// What a broken step looks like: a rule that holds over a step's calls breaks it.
    public var rules: [Threshold]
    /// Seconds after a step's end its calls still up may take to end.
    public var settle: Double
    /// A step whose own `schedule_lag_ms.p99` passes this (ms) is `invalid`: the
    /// generator sent its calls late, so what the server did with them says little
    /// (issue 15 §1b).
    public var maxLagMs: Double
    /// The part of each step's rate this run offers: 1, or 1/N for a segment of N
    /// (``ExecutionSegment``). ``rates`` stay the whole scenario's (what a step is
    /// called in reports); a step is judged on this run's own calls, against its
    /// part of the step's rate.
    public var share: Double = 1

    public init(rates: [Double], stepSeconds: Double, rules: [Threshold], settle: Double, maxLagMs: Double = 50) {
        self.rates = rates
        self.stepSeconds = stepSeconds
        self.rules = rules
        self.settle = settle
        self.maxLagMs = maxLagMs
    }

    /// The step (0-based) of a call due `seconds` into the run: step k covers
    /// (k·step_time, (k+1)·step_time], as a timeline second covers (n − 1, n] — the
    /// call due at exactly the end of a step is that step's last.
    public func step(atSeconds seconds: Double) -> Int {
        let index = Int((seconds / stepSeconds - 1e-9).rounded(.up)) - 1
        return Swift.max(0, Swift.min(rates.count - 1, index))
    }

    /// When step `index` ends, seconds into the run.
    public func end(ofStep index: Int) -> Double { Double(index + 1) * stepSeconds }
}

/// A threshold that stops the run when it fails during it, resolved for the engine
/// (``Profile/Abort`` in a profile; judged by ``AbortJudge``).
public struct AbortRule: Sendable {
    public var threshold: Threshold
    /// Seconds into the run before it is first evaluated.
    public var after: Double
    /// Seconds of sent calls it is evaluated over.
    public var window: Double

    public init(threshold: Threshold, after: Double = 0, window: Double = 10) {
        self.threshold = threshold
        self.after = after
        self.window = window
    }
}
