import ESL

/// `summary.json`'s `search`: each step of a capacity search, its verdict and the
/// answer — the highest rate that held (README, "Capacity search").
public struct SearchSummary: Codable, Sendable, Equatable {
    public var steps: [Step]
    /// The rate of the highest step that passed (nil when none did).
    public var maxSustainedCps: Double?
    /// Every step up to `max` was judged and none failed, the last passed: the knee is
    /// above `max`.
    public var kneeAboveMax: Bool
    /// The rule that broke first (nil when none did).
    public var brokenRule: String?
    /// Why offering stopped before the last step (nil when it did not).
    public var stopReason: String?

    /// How a step was judged.
    public enum Verdict: String, Codable, Sendable, CaseIterable {
        /// No `until` rule held over its calls.
        case passed
        /// An `until` rule held (or had no data: nothing to show for the step).
        case failed
        /// Its own `schedule_lag_ms.p99` passed ``SearchPlan/maxLagMs``: the
        /// generator, not the server, bent; neither a pass nor the knee.
        case invalid
        /// Not judged: cut short (the run stopped during it) or offered after the
        /// search had stopped.
        case unjudged
    }

    /// One step, its figures as they were when it was judged.
    public struct Step: Codable, Sendable, Equatable {
        /// 0-based, as `calls.csv`'s `step` column.
        public var step: Int
        /// The step's rate, calls/s.
        public var rate: Double
        /// Calls offered in the step (sent: one row each in calls.csv).
        public var offered: Int
        /// Calls due in the step while the limit was reached (not made).
        public var blocked: Int
        public var answered: Int
        public var dropped: Int
        /// Calls still up when it was judged (counted as offered, not as answered).
        public var stillUp: Int
        public var asr: Double?
        public var answerP95Ms: Double?
        public var scheduleLagP99Ms: Double?
        /// The lowest idle CPU any slave reported during the step, % (nil: not read).
        public var slaveIdleCPUMin: Double? = nil
        public var verdict: Verdict
        /// The `until` rule that broke it (failed steps).
        public var brokenRule: String?
        /// Why it got its verdict, for a person: `asr was 0.93, < 0.99`.
        public var message: String?
        /// Seconds into the run when it was judged (nil: at the end of the run).
        public var judgedAtSecond: Double?

        enum CodingKeys: String, CodingKey {
            case step, rate, offered, blocked, answered, dropped, asr, verdict, message
            case stillUp = "still_up", answerP95Ms = "answer_p95_ms", scheduleLagP99Ms = "schedule_lag_p99_ms"
            case brokenRule = "broken_rule", judgedAtSecond = "judged_at_s", slaveIdleCPUMin = "slave_idle_cpu_min"
        }
    }

    /// The search gave an answer: at least one step passed.
    public var passed: Bool { maxSustainedCps != nil }

    public init(steps: [Step], stopReason: String?) {
        self.steps = steps
        self.stopReason = stopReason
        maxSustainedCps = steps.filter { $0.verdict == .passed }.map(\.rate).max()
        brokenRule = steps.first { $0.verdict == .failed }?.brokenRule
        kneeAboveMax = false
    }

    enum CodingKeys: String, CodingKey {
        case steps
        case maxSustainedCps = "max_sustained_cps", kneeAboveMax = "knee_above_max", brokenRule = "broken_rule"
        case stopReason = "stop_reason"
    }
}

/// `summary.json`'s `abort`: the aborting threshold that stopped the run, and when.
public struct AbortSummary: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The rule as written.
    public var rule: String
    /// Seconds into the run when it failed.
    public var atSecond: Double
    /// What it measured: `asr was 0.4, expected > 0.9`.
    public var message: String
    /// The seconds of sent calls it was evaluated over.
    public var window: Double

    public init(rule: String, atSecond: Double, message: String, window: Double) {
        self.rule = rule
        self.atSecond = atSecond
        self.message = message
        self.window = window
    }

    /// `"asr > 0.9" failed at 6 s (asr was 0.4, expected > 0.9, over the calls sent in the last 10 s)`.
    public var description: String {
        "\"\(rule)\" failed at \(atSecond.compactText) s (\(message), over the calls sent in the last \(window.compactText) s)"
    }

    enum CodingKeys: String, CodingKey {
        case rule, message, window
        case atSecond = "at_s"
    }
}
