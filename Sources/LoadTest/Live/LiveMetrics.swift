/// What the live metrics endpoint shows: a run's counters, gauges and latency
/// histograms as of its latest per-second snapshot. A value; ``LiveMetricsSink``
/// builds it, ``MetricsExposition`` renders it.
public struct LiveMetrics: Sendable, Equatable {
    /// The labels of `switchy_run_info`.
    public struct RunInfo: Sendable, Equatable {
        public var runID: String
        public var name: String
        /// The execution segment (`2/5`), "" when the run is not one.
        public var segment: String

        public init(runID: String, name: String, segment: String = "") {
            self.runID = runID
            self.name = name
            self.segment = segment
        }
    }

    public var run: RunInfo
    /// Calls offered by slave and app (``LoadRun/Progress/offeredBy``).
    public var offered: [LoadRun.SlaveApp: Int] = [:]
    /// Finished calls by slave, app and outcome.
    public var outcomes: [LoadRun.SlaveApp: [CallRecord.Outcome: Int]] = [:]
    /// Calls blocked by the limit.
    public var blocked = 0
    /// Calls answered and not yet ended (``LoadRun/Progress/callsUp``).
    public var callsUp = 0
    /// Calls offered and not yet closed.
    public var inFlight = 0
    /// The last second's schedule and offers, calls/s (``LoadRun/Progress/rates(since:)``).
    public var targetRate = 0.0
    public var currentRate = 0.0
    /// False once offering has stopped (draining, or over).
    public var offering = true
    public var slaves: [LoadRun.SlaveNow] = []
    /// ``CallRecord/answerMs``, ``CallRecord/pddMs`` and
    /// ``CallRecord/setupMsFromSchedule``, in seconds.
    public var answer = BucketHistogram()
    public var pdd = BucketHistogram()
    public var setup = BucketHistogram()

    public init(run: RunInfo) {
        self.run = run
    }

    /// Counts a finished call.
    public mutating func add(_ record: CallRecord) {
        outcomes[LoadRun.SlaveApp(record), default: [:]][record.outcome, default: 0] += 1
        if let ms = record.answerMs { answer.record(ms / 1_000) }
        if let ms = record.pddMs { pdd.record(ms / 1_000) }
        if let ms = record.setupMsFromSchedule { setup.record(ms / 1_000) }
    }

    /// Takes the gauges and the offered counts of a snapshot; `previous` is the
    /// snapshot before it (for the last second's rates).
    public mutating func update(_ progress: LoadRun.Progress, previous: LoadRun.Progress?) {
        offered = progress.offeredBy
        blocked = progress.blocked
        callsUp = progress.callsUp
        inFlight = progress.inFlight
        (currentRate, targetRate) = progress.rates(since: previous)
        offering = progress.offering
        slaves = progress.slaves
    }

    /// Every slave and app with a call offered or finished, in order.
    public var slaveApps: [LoadRun.SlaveApp] {
        Set(offered.keys).union(outcomes.keys).sorted()
    }
}
