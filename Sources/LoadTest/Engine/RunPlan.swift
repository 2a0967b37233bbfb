public import Switchy

/// Everything a load run needs, resolved: the engine's input. A ``Profile`` (or a test)
/// produces it; the engine knows nothing of files.
public struct RunPlan: Sendable {
    /// The run's name (the profile's), used in the results folder.
    public var name: String
    /// `switchy_run` of every call; the listeners filter on it.
    public var runID: String
    /// The id the segments of one scenario share (``RunGroup``), nil when not set.
    public var runGroup: String?
    public var slaves: [Slave]
    /// When calls are due.
    public var pacer: Pacer
    /// At most this many calls in flight (nil: no limit); a call due beyond it is
    /// counted as blocked, not made. A segment's share of `load.limit`.
    public var limit: Int?
    /// The profile's `load.limit` before a segment's split (``ExecutionSegment``): the
    /// preflight checks a slave against the whole scenario, since every segment's
    /// calls reach the same slaves. Nil: ``limit``.
    public var wholeLimit: Int?
    /// Hang each call up this long after answer, on the server (nil: the app or the far
    /// end ends it).
    public var holdSeconds: Int?
    /// After the last offer, how long (s) calls may take to end before the run hangs up
    /// what is left (scoped to this run).
    public var grace: Double
    /// A call with no end seen this long (s) past its expected end (sent +
    /// `originate_timeout` + hold) is recorded as lost; without a hold time there is no
    /// expected end, and calls are bounded by the end of the run only.
    public var lostAfter: Double
    /// The app mix: each call gets one, in proportion to the weights.
    public var apps: [App]
    /// Control connections per slave.
    public var controlConnections: Int
    /// Refuse, rather than warn, when a slave's limits cannot fit the plan.
    public var refuseWhenOverLimits: Bool
    /// `fsctl sps` / `fsctl max_sessions` to set on each slave first, if any.
    public var prepareSessionsPerSecond: Int?
    public var prepareMaxSessions: Int?
    /// Seconds allowed to connect and authenticate.
    public var connectTimeout: Double
    /// Read each slave's `api status` once a second on a connection of its own
    /// (``SlaveHealthSampler``); off only to measure what it costs.
    public var sampleHealth = true
    /// The capacity search the schedule steps through (nil: a fixed schedule).
    public var search: SearchPlan?
    /// Thresholds that stop the run when they fail during it.
    public var aborts: [AbortRule] = []
    /// Size the run's per-call tables once for ``expectedInFlight``; off only to measure
    /// what that changes (switchy-bench's memory figure).
    public var reserveInFlight = true

    public init(
        name: String, runID: String, slaves: [Slave], pacer: Pacer, limit: Int? = nil, holdSeconds: Int? = nil,
        grace: Double = 10, lostAfter: Double = 30, apps: [App] = [App(name: "park", app: Park())],
        controlConnections: Int = 2, refuseWhenOverLimits: Bool = false, prepareSessionsPerSecond: Int? = nil,
        prepareMaxSessions: Int? = nil, connectTimeout: Double = 5
    ) {
        self.name = name
        self.runID = runID
        self.slaves = slaves
        self.pacer = pacer
        self.limit = limit
        self.holdSeconds = holdSeconds
        self.grace = grace
        self.lostAfter = lostAfter
        self.apps = apps
        self.controlConnections = controlConnections
        self.refuseWhenOverLimits = refuseWhenOverLimits
        self.prepareSessionsPerSecond = prepareSessionsPerSecond
        self.prepareMaxSessions = prepareMaxSessions
        self.connectTimeout = connectTimeout
    }

    /// The seconds of setup counted in ``expectedInFlight`` beside the hold.
    static let setupAllowance = 2.0

    /// The calls the run expects in flight at most, to size its tables once: the
    /// smallest of `limit`, the pacer's `max_calls` and the peak rate × (hold + 2 s of
    /// setup), at most 1,000,000; nil when none applies (no hold time and no bound) or
    /// ``reserveInFlight`` is off.
    public var expectedInFlight: Int? {
        guard reserveInFlight else { return nil }
        var bounds: [Double] = []
        if let limit { bounds.append(Double(limit)) }
        if let maxCalls = pacer.maxCalls { bounds.append(Double(maxCalls)) }
        if let holdSeconds { bounds.append(pacer.curve.peak * (Double(holdSeconds) + Self.setupAllowance)) }
        guard let smallest = bounds.min(), smallest.isFinite else { return nil }
        return Int(max(0, min(smallest, 1_000_000)).rounded(.up))
    }

    /// ``expectedInFlight`` shared among the slaves by weight (within each one's limit),
    /// with 10 % to spare; in the order of ``slaves``, empty when nothing is expected.
    public var expectedInFlightPerSlave: [Int] {
        guard let expected = expectedInFlight, !slaves.isEmpty else { return [] }
        let totalWeight = Double(max(1, slaves.reduce(0) { $0 + max(0, $1.weight) }))
        return slaves.map { slave in
            let share = Int((Double(expected) * Double(max(0, slave.weight)) / totalWeight * 1.1).rounded(.up))
            return min(share, slave.limit ?? share)
        }
    }

    /// One slave of the run.
    public struct Slave: Sendable {
        /// How reports name it: `host:port` as the profile writes it, or `sim-N`.
        public var name: String
        public var host: String
        public var port: Int
        /// Never printed.
        public var password: String
        public var weight: Int
        public var limit: Int?
        public var call: Call
        /// An embedded simulated slave (its limits are set in the profile's `sim`).
        public var simulated: Bool

        public init(
            name: String, host: String, port: Int, password: String, weight: Int = 1, limit: Int? = nil, call: Call,
            simulated: Bool = false
        ) {
            self.simulated = simulated
            self.name = name
            self.host = host
            self.port = port
            self.password = password
            self.weight = weight
            self.limit = limit
            self.call = call
        }
    }

    /// How calls are placed on a slave.
    public struct Call: Sendable {
        /// `user@host[:port]` (or a number for a gateway); `{host}` becomes the slave's
        /// ESL host and `{sip}` the SIP address of its own sofia profile.
        public var dest: String
        public var profile: String
        public var gateway: String?
        public var proxy: String?
        /// What the answered leg runs; nil: each app's own ``CallApp/target``.
        public var target: OriginateCommand.Target?
        public var variables: [(name: String, value: String)]
        public var originateTimeout: Int
        public var ignoreEarlyMedia: Bool
        /// What the originating leg plays (``CallMedia``): it replaces the `&park()` of
        /// the default app when no `target` is given; other apps keep their own.
        public var media: CallMedia

        public init(
            dest: String, profile: String = "external", gateway: String? = nil, proxy: String? = nil,
            target: OriginateCommand.Target? = nil, variables: [(name: String, value: String)] = [],
            originateTimeout: Int = 60, ignoreEarlyMedia: Bool = true, media: CallMedia = .none
        ) {
            self.media = media
            self.dest = dest
            self.profile = profile
            self.gateway = gateway
            self.proxy = proxy
            self.target = target
            self.variables = variables
            self.originateTimeout = originateTimeout
            self.ignoreEarlyMedia = ignoreEarlyMedia
        }
    }

    /// One app of the mix.
    public struct App: Sendable {
        /// Its id on every slave (`switchy_app`) and its name in reports.
        public var name: String
        public var weight: Int
        public var app: any CallApp

        public init(name: String, weight: Int = 1, app: any CallApp) {
            self.name = name
            self.weight = weight
            self.app = app
        }
    }
}
