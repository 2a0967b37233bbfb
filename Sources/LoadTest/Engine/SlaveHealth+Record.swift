/// One slave's health in one second of a run: a `timeline.csv` row whose `slave` is
/// the slave's name (the run's own rows have `slave` = `all`).
public struct SlaveHealthRow: Sendable, Equatable {
    /// The row's second, as ``TimelineRow/second``: read at its end.
    public var second: Int
    public var slave: String
    /// Channels up on the slave (`api status`); nil, as the two below, when no reading
    /// came for this second (the slave was down, or had not answered the previous one
    /// yet): a gap, never a zero.
    public var sessions: Int?
    /// Sessions the slave created in its last full second.
    public var sessionsPerSecond: Int?
    /// The slave's idle CPU, %.
    public var idleCPU: Double?

    public init(second: Int, slave: String, sessions: Int? = nil, sessionsPerSecond: Int? = nil, idleCPU: Double? = nil) {
        self.second = second
        self.slave = slave
        self.sessions = sessions
        self.sessionsPerSecond = sessionsPerSecond
        self.idleCPU = idleCPU
    }

    /// Whether the slave's figures were read for this second.
    public var isSampled: Bool { sessions != nil || sessionsPerSecond != nil || idleCPU != nil }
}

extension SlaveHealth {
    /// What the sampler read during a run.
    public struct Record: Sendable, Equatable {
        /// One row per slave and second sampled, by second, then in the slaves' order.
        public var rows: [SlaveHealthRow] = []
        /// The lowest `Idle-CPU` of the HEARTBEATs each slave sent during the run, by name.
        public var lowestHeartbeatIdleCPU: [String: Double] = [:]

        public init(rows: [SlaveHealthRow] = [], lowestHeartbeatIdleCPU: [String: Double] = [:]) {
            self.rows = rows
            self.lowestHeartbeatIdleCPU = lowestHeartbeatIdleCPU
        }
    }

    /// A slave's health over the run, in `summary.json` (`slaves.<name>.health`).
    public struct Summary: Codable, Sendable, Equatable {
        /// Seconds with a reading, and seconds without one (a gap in `timeline.csv`).
        public var samples: Int
        public var missed: Int
        /// The lowest idle CPU (%) the slave reported, by `api status` or HEARTBEAT.
        public var minIdleCPU: Double?
        /// The most channels up at once, and the most sessions created in a second, it
        /// reported.
        public var peakSessions: Int?
        public var peakSessionsPerSecond: Int?

        public init(samples: Int, missed: Int, minIdleCPU: Double?, peakSessions: Int?, peakSessionsPerSecond: Int?) {
            self.samples = samples
            self.missed = missed
            self.minIdleCPU = minIdleCPU
            self.peakSessions = peakSessions
            self.peakSessionsPerSecond = peakSessionsPerSecond
        }

        /// A slave's summary from its rows and the lowest idle CPU of its heartbeats
        /// (nil when it has neither rows nor heartbeats).
        public init?(rows: [SlaveHealthRow], heartbeatIdleCPU: Double?) {
            guard !rows.isEmpty || heartbeatIdleCPU != nil else { return nil }
            let sampled = rows.filter(\.isSampled)
            samples = sampled.count
            missed = rows.count - sampled.count
            minIdleCPU = (sampled.compactMap(\.idleCPU) + (heartbeatIdleCPU.map { [$0] } ?? [])).min()
            peakSessions = sampled.compactMap(\.sessions).max()
            peakSessionsPerSecond = sampled.compactMap(\.sessionsPerSecond).max()
        }

        /// Two runs' summaries of the same slave name (`switchy report` merging runs).
        static func + (lhs: Summary, rhs: Summary) -> Summary {
            func pick<T: Comparable>(_ a: T?, _ b: T?, _ better: (T, T) -> T) -> T? {
                guard let a else { return b }
                return b.map { better(a, $0) } ?? a
            }
            return Summary(
                samples: lhs.samples + rhs.samples, missed: lhs.missed + rhs.missed,
                minIdleCPU: pick(lhs.minIdleCPU, rhs.minIdleCPU, Swift.min),
                peakSessions: pick(lhs.peakSessions, rhs.peakSessions, Swift.max),
                peakSessionsPerSecond: pick(lhs.peakSessionsPerSecond, rhs.peakSessionsPerSecond, Swift.max))
        }

        enum CodingKeys: String, CodingKey {
            case samples, missed
            case minIdleCPU = "min_idle_cpu", peakSessions = "peak_sessions", peakSessionsPerSecond = "peak_sps"
        }
    }
}
