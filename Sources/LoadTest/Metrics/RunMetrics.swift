import Synchronization

/// Aggregates finished call records: latency and media-quality histograms and counts by
/// outcome, cause, SIP status, slave and app. A ``RecordSink``; thread-safe, so the summary can read a
/// snapshot while records still come.
public final class RunMetrics: RecordSink {
    /// The latencies kept, by their `calls.csv` column name.
    public static let latencyNames = [
        "answer_ms", "pdd_ms", "setup_ms_from_schedule", "originate_ms", "schedule_lag_ms", "hold_ms",
        "server_pdd_ms", "server_answer_ms", "server_hold_ms", "hold_drift_ms", "send_queue_ms",
    ]
    /// The media-quality figures kept, by their `calls.csv` column name (README,
    /// "Media"): each in its column's own unit (MOS, %, ms), recorded as a
    /// ``LatencyHistogram`` records milliseconds, so to within 0.4 %.
    public static let qualityNames = ["mos", "rtp_loss_pct", "jitter_ms"]
    /// Every statistic kept: the latencies, then the quality figures.
    public static let statisticNames = latencyNames + qualityNames

    private let state = Mutex(Snapshot())

    /// Everything aggregated so far.
    public struct Snapshot: Sendable {
        public var records = 0
        public var outcomes: [CallRecord.Outcome: Int] = [:]
        public var causes: [String: Int] = [:]
        public var sipStatuses: [Int: Int] = [:]
        public var slaves: [String: [CallRecord.Outcome: Int]] = [:]
        public var apps: [String: [CallRecord.Outcome: Int]] = [:]
        /// The histograms of every statistic (``statisticNames``), by name.
        public var latencies: [String: LatencyHistogram] = [:]
        /// Calls that expected media and were answered, and those of them that
        /// received no RTP at all (``CallRecord/noMedia``).
        public var mediaAnswered = 0
        public var noMedia = 0
        /// The holds (``CallRecord/held``, µs) of the answered calls, dropped ones
        /// included, summed, and how many there are: ACD's parts.
        public var heldMicroseconds: Int64 = 0
        public var heldCalls = 0
    }

    public init() {}

    /// Adds one finished call.
    public func add(_ record: CallRecord) {
        let values: [(String, Double?)] = [
            ("answer_ms", record.answerMs), ("pdd_ms", record.pddMs),
            ("setup_ms_from_schedule", record.setupMsFromSchedule), ("originate_ms", record.originateMs),
            ("schedule_lag_ms", record.scheduleLagMs), ("hold_ms", record.holdMs),
            ("server_pdd_ms", record.serverPddMs), ("server_answer_ms", record.serverAnswerMs),
            ("server_hold_ms", record.serverHoldMs), ("hold_drift_ms", record.holdDriftMs),
            ("send_queue_ms", record.sendQueueMs),
            ("mos", record.mos), ("rtp_loss_pct", record.rtpLossPct), ("jitter_ms", record.jitterMs),
        ]
        state.withLock { snapshot in
            snapshot.records += 1
            snapshot.outcomes[record.outcome, default: 0] += 1
            if let cause = record.hangupCause { snapshot.causes[cause, default: 0] += 1 }
            if let sip = record.sipStatus { snapshot.sipStatuses[sip, default: 0] += 1 }
            snapshot.slaves[record.slave, default: [:]][record.outcome, default: 0] += 1
            snapshot.apps[record.app ?? "-", default: [:]][record.outcome, default: 0] += 1
            if record.outcome == .answered || record.outcome == .dropped, let held = record.held {
                snapshot.heldMicroseconds += (held + 500) / 1_000
                snapshot.heldCalls += 1
            }
            if record.media.expectsMedia && (record.outcome == .answered || record.outcome == .dropped) {
                snapshot.mediaAnswered += 1
                if record.noMedia { snapshot.noMedia += 1 }
            }
            for (name, value) in values {
                guard let value else { continue }
                snapshot.latencies[name, default: LatencyHistogram()].record(milliseconds: value)
            }
        }
    }

    /// A copy of everything so far.
    public var snapshot: Snapshot { state.withLock { $0 } }
}
