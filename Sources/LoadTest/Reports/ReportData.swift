/// Everything the report renderers (HTML, JUnit, the summary table) draw from, once a
/// run is over (or re-read from a run's files by `switchy report`).
public struct ReportData: Sendable {
    public var summary: RunSummary
    /// One row per second of the run.
    public var timeline: [TimelineRow]
    /// The latency histograms, by `calls.csv` column name.
    public var histograms: [String: LatencyHistogram]
    /// The threshold verdicts (empty when the run had none).
    public var thresholds: [ThresholdVerdict]
    /// The effective profile as pretty JSON (passwords only as their source).
    public var profileJSON: String
    /// For a merge (`switchy report` of several runs), the runs it was made of.
    public var mergedFrom: [MergedRun]

    /// One run of a merge.
    public struct MergedRun: Sendable, Equatable {
        public var runID: String
        public var name: String
        public var startedAt: String
        public var offered: Int
        public var folder: String

        public init(runID: String, name: String, startedAt: String, offered: Int, folder: String) {
            self.runID = runID
            self.name = name
            self.startedAt = startedAt
            self.offered = offered
            self.folder = folder
        }
    }

    public init(
        summary: RunSummary, timeline: [TimelineRow], histograms: [String: LatencyHistogram],
        thresholds: [ThresholdVerdict], profileJSON: String, mergedFrom: [MergedRun] = []
    ) {
        self.mergedFrom = mergedFrom
        self.summary = summary
        self.timeline = timeline
        self.histograms = histograms
        self.thresholds = thresholds
        self.profileJSON = profileJSON
    }
}

/// One second of a run (`timeline.csv`).
public struct TimelineRow: Sendable, Equatable {
    /// Seconds since offering began (1 for the first second: (0, 1] s).
    public var second: Int
    /// Calls the schedule asked for in this second (∫ rate over it, within the
    /// offering time), per second.
    public var targetRate: Double
    /// Calls made (sent) in this second.
    public var offered: Int
    /// Calls made per second in this second (= ``offered``).
    public var achievedRate: Double
    public var blocked: Int
    /// Answers that happened in this second (the call may end later).
    public var answered: Int
    /// Calls that ended not answered in this second.
    public var failed: Int
    /// Calls that ended dropped (answered, then cut before their planned hold) in this
    /// second: counted in neither `answered` nor `failed`.
    public var dropped: Int
    /// Calls in flight at the end of the second (Erlangs).
    public var active: Int
    /// answer_ms percentiles of the calls *sent* in this second (nil when none answered).
    public var answerP50: Double?
    public var answerP95: Double?
    public var answerP99: Double?
    /// Channels up on the slaves by their latest HEARTBEAT, summed (nil before one came).
    public var heartbeatSessions: Int?
    /// Calls up at the end of the second: answered, not yet ended.
    public var callsUp: Int
    /// Each slave's own figures read at the end of this second (``SlaveHealthRow``:
    /// `timeline.csv` writes them as rows of their own after this one).
    public var slaves: [SlaveHealthRow] = []

    public init(
        second: Int, targetRate: Double, offered: Int, achievedRate: Double, blocked: Int, answered: Int, failed: Int,
        dropped: Int = 0, active: Int, answerP50: Double? = nil, answerP95: Double? = nil, answerP99: Double? = nil,
        heartbeatSessions: Int? = nil, callsUp: Int = 0
    ) {
        self.heartbeatSessions = heartbeatSessions
        self.callsUp = callsUp
        self.second = second
        self.targetRate = targetRate
        self.offered = offered
        self.achievedRate = achievedRate
        self.blocked = blocked
        self.answered = answered
        self.failed = failed
        self.dropped = dropped
        self.active = active
        self.answerP50 = answerP50
        self.answerP95 = answerP95
        self.answerP99 = answerP99
    }
}
