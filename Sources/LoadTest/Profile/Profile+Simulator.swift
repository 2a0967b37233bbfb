extension Profile.Slave {
    /// `sim: { … }`: an embedded FreeSWITCH simulator (module `FreeSwitchSim`) started
    /// on loopback for the run. Every field is optional; `sim: {}` is a fast, healthy
    /// server with FreeSWITCH's default limits.
    ///
    /// Its dialplan mirrors a lab's: `echo`, `park` and `9196` answer (ringing at
    /// `ring_delay` first when that comes before `answer_delay`), `ringanswer` rings then
    /// answers, `busy` is rejected with 486 `USER_BUSY` at `ring_delay`, `ring` rings
    /// until `originate_timeout`, anything else is `NO_ROUTE_DESTINATION`.
    public struct Simulator: Sendable, Equatable, Encodable {
        /// `ring_delay`: seconds from the originate to ringing (180,
        /// `CHANNEL_PROGRESS`). Default: 0.05, or `answer_delay` if that is smaller.
        public var ringDelay: Double
        /// `answer_delay`: seconds from the originate to answer (`CHANNEL_ANSWER`);
        /// at least `ring_delay`. Default: 0.2.
        public var answerDelay: Double
        /// `failure_ratio`: share of calls (0…1) that fail instead of answering, chosen
        /// at random. Default: 0.
        public var failureRatio: Double
        /// `sps`: sessions per second the simulator accepts before refusing
        /// (FreeSWITCH's `sessions-per-second`). Default: 30, as FreeSWITCH.
        public var sps: Int
        /// `max_sessions`: most concurrent channels before refusing. Default: 1000, as
        /// FreeSWITCH.
        public var maxSessions: Int
        /// `heartbeat`: seconds between `HEARTBEAT` events. Default: 20, as FreeSWITCH.
        public var heartbeat: Double
        /// `idle_cpu`: the idle CPU (%) it reports with no session up. Default: 98.7.
        public var idleCPU: Double
        /// `cpu_per_session`: the CPU (%) each session up takes off the idle CPU it
        /// reports (`status`, HEARTBEAT), so that a run can saturate it. Default: 0.01.
        public var cpuPerSession: Double
        /// `faults`: fault injection, left open for the simulator to define (e.g.
        /// `{ drop_after: 5 }`). Default: none.
        public var faults: [String: Profile.Value]
        /// `loss_pct`: RTP packets lost on the way in, % (each call between 0.75 and
        /// 1.25 times it; past 50 % FreeSWITCH, and the simulator, stop counting the
        /// losses). Default: 0.
        public var lossPercent: Double
        /// `jitter_ms`: the jitter calls report, ms (each between half and one and a
        /// half times it). Default: 0.
        public var jitterMs: Double

        public init(
            ringDelay: Double = 0.05, answerDelay: Double = 0.2, failureRatio: Double = 0, sps: Int = 30,
            maxSessions: Int = 1000, heartbeat: Double = 20, idleCPU: Double = 98.7, cpuPerSession: Double = 0.01,
            faults: [String: Profile.Value] = [:], lossPercent: Double = 0, jitterMs: Double = 0
        ) {
            self.lossPercent = lossPercent
            self.jitterMs = jitterMs
            self.ringDelay = ringDelay
            self.answerDelay = answerDelay
            self.failureRatio = failureRatio
            self.sps = sps
            self.maxSessions = maxSessions
            self.heartbeat = heartbeat
            self.idleCPU = idleCPU
            self.cpuPerSession = cpuPerSession
            self.faults = faults
        }

        /// The profile's field names, for `summary.json`.
        enum CodingKeys: String, CodingKey, CaseIterable {
            case answerDelay = "answer_delay", ringDelay = "ring_delay", failureRatio = "failure_ratio", sps
            case maxSessions = "max_sessions", heartbeat, idleCPU = "idle_cpu", cpuPerSession = "cpu_per_session", faults
            case lossPercent = "loss_pct", jitterMs = "jitter_ms"
        }

        static let keys = CodingKeys.allCases.map(\.stringValue)

        init(_ field: ProfileReader.Field) throws(ProfileError) {
            let object = try field.object("simulator options, e.g. { answer_delay: 0.5 } (or {} for defaults)", keys: Self.keys)
            self.init()
            let delay = NumberRule(expectation: "a delay in seconds from 0 to 3600", range: 0...3600)
            answerDelay = try object.optional("answer_delay")?.number(delay) ?? answerDelay
            if let field = object.optional("ring_delay") {
                ringDelay = try field.number(delay)
                guard ringDelay <= answerDelay else {
                    throw field.error(
                        .conflict,
                        "expected a ring delay <= answer_delay (\(NumberRule.format(answerDelay)) s), got \(NumberRule.format(ringDelay))")
                }
            } else {
                ringDelay = min(ringDelay, answerDelay)
            }
            failureRatio = try object.optional("failure_ratio")?.number(
                NumberRule(expectation: "a share of failed calls from 0 to 1", range: 0...1)) ?? failureRatio
            sps = try object.optional("sps")?.integer(IntegerRule("sessions per second", 1...100_000)) ?? sps
            maxSessions = try object.optional("max_sessions")?.integer(IntegerRule("most concurrent sessions", 1...1_000_000))
                ?? maxSessions
            heartbeat = try object.optional("heartbeat")?.number(
                NumberRule(expectation: "seconds between heartbeats > 0 (at most 3600)", range: 0...3600, excludesLowerBound: true))
                ?? heartbeat
            lossPercent = try object.optional("loss_pct")?.number(
                NumberRule(expectation: "a share of lost RTP packets in % from 0 to 100", range: 0...100)) ?? lossPercent
            jitterMs = try object.optional("jitter_ms")?.number(
                NumberRule(expectation: "a jitter in ms from 0 to 10000", range: 0...10_000)) ?? jitterMs
            let cpu = NumberRule(expectation: "a share of CPU in % from 0 to 100", range: 0...100)
            idleCPU = try object.optional("idle_cpu")?.number(cpu) ?? idleCPU
            cpuPerSession = try object.optional("cpu_per_session")?.number(cpu) ?? cpuPerSession
            if let field = object.optional("faults") {
                faults = Dictionary(uniqueKeysWithValues: try field.members("an object of fault settings").map { ($0.key, $0.field.value) })
            }
        }
    }
}
