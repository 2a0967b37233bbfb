extension Profile.Load {
    /// `load.search`: a capacity search. The rate steps up from `from` by `step` calls/s
    /// every `step_time` seconds, up to `max`; the calls *sent* in each step are judged
    /// by the `until` rules (the `thresholds` grammar: a rule that holds means the step
    /// broke) once they have all ended, or `settle` seconds after the step's end, and
    /// offering stops at the first step that breaks one (``SearchJudge``).
    ///
    /// ```json5
    /// search: { from: 10, step: 10, step_time: 30, max: 200,
    ///           until: ["asr < 0.99", "answer_ms.p95 > 1000", "dropped > 0"], settle: 5 }
    /// ```
    ///
    /// It replaces `rate`/`ramp` and `run_time`: the schedule is the stepped rate
    /// (``curve``) and offering lasts at most `steps × step_time`.
    public struct Search: Sendable, Equatable {
        /// `from`: the first step's rate, calls/s (> 0). Required.
        public var from: Double
        /// `step`: how much each step adds, calls/s (> 0). Required.
        public var step: Double
        /// `step_time`: seconds each step holds its rate. Required.
        public var stepTime: Double
        /// `max`: the highest rate tried, calls/s (≥ `from`); the last step is the highest
        /// `from + k·step` that does not pass it. Required.
        public var max: Double
        /// `until`: the rules that end the search, as written; each says what a broken
        /// step looks like (`"asr < 0.99"`). Default: ``defaultRules``.
        public var until: [String]
        /// `settle`: seconds after a step's end that its calls still up may take to end
        /// before it is judged as it is. Default (nil): hold + 5 s (``effectiveSettle``).
        public var settle: Double?
        /// `max_lag_ms`: a step whose own `schedule_lag_ms.p99` passes this is `invalid`
        /// (the generator, not the server, bent). Default 50.
        public var maxLagMs: Double = 50

        /// The rules of a search without `until`: a step breaks when a call was not
        /// answered, or an answered one was cut.
        public static let defaultRules = ["asr < 1", "dropped > 0"]

        public init(
            from: Double, step: Double, stepTime: Double, max: Double, until: [String] = defaultRules, settle: Double? = nil
        ) {
            self.from = from
            self.step = step
            self.stepTime = stepTime
            self.max = max
            self.until = until
            self.settle = settle
        }

        /// The rate of each step, in order: from, from + step, … ≤ max.
        public var rates: [Double] {
            let count = Int(((max - from) / step + 1e-9).rounded(.down)) + 1
            return (0..<Swift.max(1, count)).map { from + Double($0) * step }
        }

        /// The schedule: each step's rate for `step_time`.
        public var curve: RateCurve { .stepped(rates.map { RateCurve.Stage(rate: $0, seconds: stepTime) }) }

        /// `settle` with its default resolved for a hold of `holdSeconds`.
        public func effectiveSettle(holdSeconds: Int) -> Double { settle ?? Double(holdSeconds) + 5 }

        static let keys = ["from", "step", "step_time", "max", "until", "settle", "max_lag_ms"]
        static let stepsLimit = 10_000

        init(_ field: ProfileReader.Field) throws(ProfileError) {
            let object = try field.object(
                "{ from, step, step_time, max, until, settle } (calls/s, calls/s, seconds, calls/s, rules, seconds)",
                keys: Self.keys)
            from = try object.required("from", "the first step's rate in calls per second").number(Profile.Load.rateRule)
            step = try object.required("step", "how many calls per second each step adds").number(Profile.Load.rateRule)
            stepTime = try object.required("step_time", "how long each step lasts in seconds")
                .number(NumberRule.seconds("how long each step lasts", exclusive: true))
            let maxField = try object.required("max", "the highest rate to try in calls per second")
            max = try maxField.number(Profile.Load.rateRule)
            guard max >= from else {
                throw maxField.error(.invalidValue, "expected a rate >= 'from' (\(NumberRule.format(from))), \(maxField.got)")
            }
            until = Self.defaultRules
            if let untilField = object.optional("until") {
                let items = try untilField.array("a list of rules, e.g. [\"asr < 0.99\", \"answer_ms.p95 > 1000\"]")
                guard !items.isEmpty else { throw untilField.error(.invalidValue, "expected at least one rule, got an empty list") }
                until = try items.map { item throws(ProfileError) in try Profile.thresholdText(item, example: "asr < 0.99") }
            }
            settle = try object.optional("settle")?.number(NumberRule.seconds("how long a step's calls may take to end"))
            maxLagMs = try object.optional("max_lag_ms")?.number(
                NumberRule(expectation: "a schedule lag in ms > 0 (at most 60000)", range: 0...60_000, excludesLowerBound: true)) ?? 50
            guard rates.count <= Self.stepsLimit else {
                throw object.error(
                    .invalidValue, "expected at most \(Self.stepsLimit) steps; from, step and max give \(rates.count)")
            }
        }
    }
}

extension Profile {
    /// A rule as written at `field`, checked with ``Threshold`` so that `switchy check`
    /// refuses what `switchy run` would.
    static func thresholdText(_ field: ProfileReader.Field, example: String) throws(ProfileError) -> String {
        let text = try field.string("a rule such as \"\(example)\"")
        do throws(Threshold.ParseError) { _ = try Threshold(text) } catch {
            throw field.error(.invalidValue, "expected a rule such as \"\(example)\", got \"\(text)\": \(error.reason)")
        }
        return text
    }
}

extension Profile.Load.Search: Encodable {
    /// The profile's field names
    /// (`settle` written only when the profile gives it: absent means hold + 5 s).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Profile.Key.self)
        try container.encode(from, forKey: "from")
        try container.encode(step, forKey: "step")
        try container.encode(stepTime, forKey: "step_time")
        try container.encode(max, forKey: "max")
        try container.encode(until, forKey: "until")
        try container.encodeIfPresent(settle, forKey: "settle")
        try container.encode(maxLagMs, forKey: "max_lag_ms")
    }
}

extension Profile {
    /// `10 → 200 calls/s, +10 every 30 s (20 steps, 600 s at most); a step breaks when
    /// asr < 0.99 or dropped > 0, judged when its calls ended or 7 s after it`.
    static func describe(_ search: Load.Search, holdSeconds: Int) -> String {
        let rates = search.rates
        let settle = search.effectiveSettle(holdSeconds: holdSeconds)
        return "\(format(search.from)) → \(format(rates.last ?? search.from)) calls/s, +\(format(search.step)) every "
            + "\(format(search.stepTime)) s (\(rates.count) steps, \(format(Double(rates.count) * search.stepTime)) s at most); "
            + "a step breaks when \(search.until.joined(separator: " or ")), judged when its calls ended or "
            + "\(format(settle)) s after it\(search.settle == nil ? " (hold + 5)" : "")"
    }

    /// A threshold as `check` lists it: its text, and when it aborts the run.
    func describeThreshold(_ text: String) -> String {
        guard let abort = aborts.first(where: { $0.rule == text }) else { return text }
        return "\(text) (abort: from \(Self.format(abort.after)) s, over the calls sent in the last \(Self.format(abort.window)) s)"
    }
}
