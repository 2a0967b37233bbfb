extension Profile {
    /// `load`: how fast calls are offered, how many may be up at once, how long each is
    /// held and when the run stops.
    ///
    /// The run offers calls until `run_time` has passed or `max_offered` calls were
    /// offered, whichever comes first, then waits up to ``grace`` for the calls still up
    /// and hangs up the rest.
    public struct Load: Sendable, Equatable {
        /// How long an answered call is held.
        public enum Hold: Sendable, Equatable {
            /// Whole seconds after answer; 0 = switchy does not hang up (the app or the
            /// far end ends the call).
            case seconds(Int)
            /// `"auto"`: `limit / peak rate` (Erlang: concurrent = rate × hold),
            /// rounded, at least 1 s — as the original Switchy.
            case auto
        }

        /// `rate` or `ramp`: the offered rate over time. Required (one of them, or
        /// `search`, whose steps it then holds).
        public var rate: RateCurve
        /// `search`: a capacity search (``Search``) instead of `rate`/`ramp` and
        /// `run_time`; nil for a fixed schedule.
        public var search: Search?
        /// `limit`: most calls up at once, over all slaves. A call due while `limit`
        /// calls are up is not offered and is counted as blocked. Required.
        public var limit: Int
        /// `duration`: hold time after answer, whole seconds or `"auto"`. Default: auto.
        public var duration: Hold
        /// `max_offered`: stop after offering this many calls. Default: none.
        public var maxOffered: Int?
        /// `run_time`: stop offering after this many seconds. Default: none, or the
        /// ramp's length for a ramp. At least one of `run_time`/`max_offered` (or a
        /// ramp) is required.
        public var runTime: Double?
        /// `grace`: seconds to wait after the last offer for calls to end before hanging
        /// up the rest. Default (nil): ``holdSeconds`` + 10.
        public var grace: Double?
        /// `lost_after`: seconds a call may run past its expected end (sent +
        /// `originate_timeout` + hold) with no end seen before it is recorded as `lost`
        /// (a slave that stalls, or loses events). Default 30.
        public var lostAfter: Double

        public init(
            rate: RateCurve, limit: Int, duration: Hold = .auto, maxOffered: Int? = nil, runTime: Double? = nil,
            grace: Double? = nil, lostAfter: Double = 30
        ) {
            self.rate = rate
            self.limit = limit
            self.duration = duration
            self.maxOffered = maxOffered
            self.runTime = runTime
            self.grace = grace
            self.lostAfter = lostAfter
        }

        /// The hold time in whole seconds, `auto` resolved.
        public var holdSeconds: Int {
            switch duration {
            case .seconds(let seconds): return seconds
            case .auto:
                let peak = rate.peak
                guard peak > 0 else { return 1 }
                return max(1, Int((Double(limit) / peak).rounded()))
            }
        }

        /// When offering stops, in seconds: `run_time`, else the ramp's length, else nil
        /// (only `max_offered` stops the run).
        public var effectiveRunTime: Double? {
            if let runTime { return runTime }
            if case .constant = rate { return nil }
            return rate.rampTime
        }

        /// `grace` with its default resolved.
        public var effectiveGrace: Double { grace ?? Double(holdSeconds + 10) }

        static let keys = ["rate", "ramp", "search", "limit", "duration", "max_offered", "run_time", "grace", "lost_after"]
        static let rateRule = NumberRule(
            expectation: "a number of calls per second > 0 (at most 100000)", range: 0...100_000, excludesLowerBound: true)
        static let stageRateRule = NumberRule(expectation: "a number of calls per second >= 0 (at most 100000)", range: 0...100_000)
        static let limitRule = IntegerRule("most concurrent calls", 1...1_000_000)
        static let holdRule = IntegerRule("hold seconds after answer (or \"auto\")", 0...86_400)
        static let maxOfferedRule = IntegerRule("the number of calls to offer", 1...1_000_000_000)
        static let runTimeRule = NumberRule.seconds("how long to offer calls", exclusive: true)
        static let graceRule = NumberRule.seconds("how long to wait for calls to end")
        static let lostAfterRule = NumberRule.seconds(
            "how long past its expected end a call may go unseen", exclusive: true)

        init(_ field: ProfileReader.Field) throws(ProfileError) {
            let object = try field.object("an object with 'rate' (or 'ramp'), 'limit' and 'run_time' or 'max_offered'", keys: Self.keys)
            if let searchField = object.optional("search") {
                for key in ["rate", "ramp", "run_time"] where object.contains(key) {
                    throw object.error(.conflict, "give either 'search' (its steps set the rate and the run time) or '\(key)', not both")
                }
                let search = try Search(searchField)
                self.search = search
                rate = search.curve
            } else {
                switch (object.optional("rate"), object.optional("ramp")) {
                case (.some, .some):
                    throw object.error(.conflict, "give either 'rate' (constant) or 'ramp', not both")
                case (.some(let field), nil):
                    rate = .constant(try field.number(Self.rateRule))
                case (nil, .some(let field)):
                    rate = try Self.ramp(field)
                case (nil, nil):
                    throw object.error(
                        .missingField, path: ProfileReader.Object.join(field.path, "rate"),
                        "missing; expected 'rate' (calls per second) or 'ramp' ({ from, to, over } or { stages }), or 'search' (a capacity search)")
                }
            }
            limit = try object.required("limit", "the most concurrent calls, e.g. 100").integer(Self.limitRule)
            duration = .auto
            if let field = object.optional("duration") {
                if case .string(let text) = field.node.value {
                    guard text == "auto" else { throw field.error(.invalidValue, "expected whole seconds or \"auto\", \(field.got)") }
                } else {
                    duration = .seconds(try field.integer(Self.holdRule))
                }
            }
            maxOffered = try object.optional("max_offered")?.integer(Self.maxOfferedRule)
            runTime = try object.optional("run_time")?.number(Self.runTimeRule)
            grace = try object.optional("grace")?.number(Self.graceRule)
            lostAfter = try object.optional("lost_after")?.number(Self.lostAfterRule) ?? 30
            if case .constant = rate, maxOffered == nil, runTime == nil {
                throw object.error(
                    .missingField, path: ProfileReader.Object.join(field.path, "run_time"),
                    "missing; expected 'run_time' (seconds) and/or 'max_offered' (calls) to say when to stop")
            }
        }

        private static func ramp(_ field: ProfileReader.Field) throws(ProfileError) -> RateCurve {
            let object = try field.object(
                "{ from, to, over } (linear) or { stages: [{ rate, for }, …] } (stepped)", keys: ["from", "to", "over", "stages"])
            if let stagesField = object.optional("stages") {
                for key in ["from", "to", "over"] where object.contains(key) {
                    throw object.error(.conflict, "give either 'stages' or 'from'/'to'/'over', not both (remove '\(key)')")
                }
                let items = try stagesField.array("a list of stages, e.g. [{ rate: 10, for: 30 }, { rate: 50, for: 60 }]")
                guard !items.isEmpty else { throw stagesField.error(.invalidValue, "expected at least one stage, got an empty list") }
                guard items.count <= 10_000 else { throw stagesField.error(.invalidValue, "expected at most 10000 stages") }
                var stages: [RateCurve.Stage] = []
                for item in items {
                    let stage = try item.object("a stage { rate, for }", keys: ["rate", "for"])
                    stages.append(
                        RateCurve.Stage(
                            rate: try stage.required("rate", "calls per second during the stage").number(stageRateRule),
                            seconds: try stage.required("for", "the stage's length in seconds")
                                .number(NumberRule.seconds("the stage's length", exclusive: true))))
                }
                guard stages.contains(where: { $0.rate > 0 }) else {
                    throw stagesField.error(.invalidValue, "expected at least one stage with a rate > 0")
                }
                return .stepped(stages)
            }
            let from = try object.required("from", "the starting rate in calls per second").number(stageRateRule)
            let to = try object.required("to", "the target rate in calls per second").number(stageRateRule)
            let over = try object.required("over", "the ramp's length in seconds")
                .number(NumberRule.seconds("the ramp's length", exclusive: true))
            guard from > 0 || to > 0 else {
                throw object.error(.invalidValue, "expected 'from' or 'to' > 0 (a ramp from 0 to 0 offers nothing)")
            }
            return .linear(from: from, to: to, over: over)
        }
    }
}
