public import Foundation

/// `summary.json` (schema 1): what a run did, in numbers scripts can read. Documented
/// in the README ("summary.json"). It encodes itself in that format and decodes itself
/// from it (``RunSummary/init(from:)``, in `RunSummary+Reading.swift`).
public struct RunSummary: Codable, Sendable {
    public var schema = 1
    public var name: String
    public var runID: String
    /// The share of a scenario this run made (`--segment I/N`), nil for a whole run.
    public var segment: ExecutionSegment?
    /// The id the segments of one scenario share (nil when not set).
    public var runGroup: String?
    public var startedAt: Date
    public var endedAt: Date
    public var durationSeconds: Double
    public var offeringSeconds: Double
    public var interrupted: Bool
    /// What interrupted the run, and when (nil when it ran to its end).
    public var interruption: Interruption?
    /// Calls made (one row each in calls.csv).
    public var offered: Int
    /// Calls due while the limit was reached: not made.
    public var blocked: Int
    public var callRows: Int
    // The per-call counts below are set by `setCounts(from:histograms:)`.
    public var outcomes: [String: Int] = [:]
    public var answered = 0
    /// Answered, then cut before their planned hold (outcome `dropped`).
    public var dropped = 0
    public var failed = 0
    public var lost = 0
    /// (answered + dropped) / offered (``answerSeizureRatio(answered:offered:)``): a
    /// dropped call was answered.
    public var asr: Double?
    /// dropped / (answered + dropped): the share of answered calls that were cut
    /// (nil when none was answered).
    public var dropRate: Double?
    /// ACD, average call duration: the mean hold (``CallRecord/held``: the server's
    /// clock when known, else this generator's) of the answered calls, dropped ones
    /// included, in seconds (nil when none was answered).
    public var acdSeconds: Double?
    /// The profile's schedule over the offering time: ∫rate / offering time (calls/s).
    public var targetRate: Double
    /// Calls made (offered, sent) per second of offering.
    public var achievedRate: Double
    /// When offering began, unix µs: t = 0 of `timeline.csv` (its second n covers
    /// (n − 1, n] s after it). Set by the run's report; nil in files written before it.
    public var timelineStartUs: Int64?
    public var hangupCauses: [String: Int] = [:]
    public var sipStatuses: [String: Int] = [:]
    public var slaves: [String: SlaveSummary]
    public var apps: [String: [String: Int]] = [:]
    /// Percentiles of each latency, ms.
    public var latencyMs: [String: Percentiles] = [:]
    /// Percentiles of each media-quality figure (``RunMetrics/qualityNames``: `mos`,
    /// `rtp_loss_pct`, `jitter_ms`), each in its own unit, over the calls that
    /// received RTP.
    public var quality: [String: Percentiles] = [:]
    /// Answered calls (dropped included) that expected media (`call.media` not
    /// `none`) and received no RTP packet at all.
    public var noMedia = 0
    public var warnings: [String]
    public var notes: [String]
    /// What `prepare` changed on the slaves and whether it was put back (nil: nothing
    /// changed).
    public var prepare: [PreparedSetting]?
    /// The generator's own cost: events handled, CPU time, peak memory, record queue.
    public var generator = Generator()

    public struct Generator: Codable, Sendable, Equatable {
        public var eventsHandled = 0
        public var eventsPerSecond = 0.0
        public var cpuSeconds = 0.0
        public var peakResidentMB = 0.0
        /// The record queue (closed calls on their way to the report writers): its
        /// largest depth, and its depth when the last call was closed.
        public var recordQueueHighWater = 0
        public var recordQueueDepthAtEnd = 0
        /// Where switchy itself queued, per slave: its control connections' write
        /// backlog peaks and its listener's callback queue (nil in files written before).
        public var slaves: [String: LoadRun.SlaveQueues]?

        enum CodingKeys: String, CodingKey {
            case eventsHandled = "events_handled", eventsPerSecond = "events_per_s", cpuSeconds = "cpu_s"
            case peakResidentMB = "peak_rss_mb", recordQueueHighWater = "record_queue_high_water"
            case recordQueueDepthAtEnd = "record_queue_depth_at_end", slaves
        }
    }

    /// The threshold verdicts, in order; `passed` is false if any failed or the run
    /// was interrupted (``judge(by:)`` sets them).
    public var thresholds: [ThresholdVerdict] = []
    /// The capacity search's steps and answer (nil: the run had no `load.search`).
    public var search: SearchSummary?
    /// The aborting threshold that stopped the run (nil: none did).
    public var abort: AbortSummary?
    /// True when the run had no thresholds and was judged by ``Threshold/defaults``.
    public var defaultThresholds = false
    public var passed = true

    /// Why and when a run stopped before its planned end.
    public struct Interruption: Codable, Sendable, Equatable, CustomStringConvertible {
        /// What stopped it: `SIGINT (Ctrl-C)`, `SIGTERM`, or `interrupted` when unknown.
        public var reason: String
        /// Seconds from the start of the run (nil when unknown).
        public var atSecond: Double?

        public init(reason: String, atSecond: Double?) {
            self.reason = reason
            self.atSecond = atSecond
        }

        /// `SIGINT (Ctrl-C) at 3.2 s`.
        public var description: String {
            reason + (atSecond.map { String(format: " at %.1f s", $0) } ?? "")
        }

        enum CodingKeys: String, CodingKey {
            case reason
            case atSecond = "at_s"
        }
    }

    public struct SlaveSummary: Codable, Sendable {
        public var outcomes: [String: Int]
        public var events: [Event]
        public var maxSessionsPerSecond: Int?
        public var maxSessions: Int?
        public var heartbeatSessionCount: Int?
        public var heartbeatIdleCPU: Double?
        /// The profile's `limit` for this slave (most of its calls up at once), if any.
        public var limit: Int? = nil
        /// The profile's `weight` for this slave (its share of the calls).
        public var weight: Int? = nil
        /// What the slave said of its own load during the run (nil when it was not read).
        public var health: SlaveHealth.Summary? = nil

        public struct Event: Codable, Sendable {
            public var atSecond: Double
            public var up: Bool
            public var note: String
        }
    }

    /// A statistic's distribution: the low end (`min`, `p1`, `p5`, `p10`: what matters
    /// for MOS) and the high end (`p90` … `max`: what matters for latencies).
    public struct Percentiles: Codable, Sendable, Equatable {
        public var count: Int64
        public var min: Double
        /// Nil only in a file written before they were kept.
        public var p1: Double?
        public var p5: Double?
        public var p10: Double?
        public var p50: Double
        public var p90: Double
        public var p95: Double
        public var p99: Double
        public var p99_9: Double
        public var max: Double
        public var mean: Double
        public var stddev: Double

        init?(_ histogram: LatencyHistogram) {
            guard histogram.count > 0, let mean = histogram.mean, let stddev = histogram.standardDeviation else { return nil }
            func ms(_ value: Int64?) -> Double { Double(value ?? 0) / 1_000 }
            count = histogram.count
            min = ms(histogram.min)
            p1 = ms(histogram.value(atPercentile: 1))
            p5 = ms(histogram.value(atPercentile: 5))
            p10 = ms(histogram.value(atPercentile: 10))
            p50 = ms(histogram.value(atPercentile: 50))
            p90 = ms(histogram.value(atPercentile: 90))
            p95 = ms(histogram.value(atPercentile: 95))
            p99 = ms(histogram.value(atPercentile: 99))
            p99_9 = ms(histogram.value(atPercentile: 99.9))
            max = ms(histogram.max)
            self.mean = mean / 1_000
            self.stddev = stddev / 1_000
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case schema, name, interrupted, interruption, offered, blocked, outcomes, answered, dropped, failed, lost, asr
        case slaves, apps, warnings, notes, thresholds, passed, generator, prepare, search, abort
        case dropRate = "drop_rate", acdSeconds = "acd_s", defaultThresholds = "default_thresholds"
        case runID = "run_id", startedAt = "started_at", endedAt = "ended_at", durationSeconds = "duration_s"
        case offeringSeconds = "offering_s", callRows = "call_rows", targetRate = "target_rate"
        case achievedRate = "achieved_rate", hangupCauses = "hangup_causes", sipStatuses = "sip_statuses"
        case timelineStartUs = "timeline_start_us"
        case segment, runGroup = "run_group"
        case latencyMs = "latency_ms"
        case quality
        case noMedia = "no_media"
    }

    public init(result: LoadRun.Result, plan: RunPlan, metrics: RunMetrics.Snapshot, callRows: Int) {
        name = plan.name
        runID = plan.runID
        segment = plan.pacer.segment.isWhole ? nil : plan.pacer.segment
        runGroup = plan.runGroup
        startedAt = result.startedAt
        endedAt = result.endedAt
        durationSeconds = result.endedAt.timeIntervalSince(result.startedAt)
        offeringSeconds = result.offeringSeconds
        interrupted = result.interrupted
        interruption = result.interrupted ? Interruption(reason: "interrupted", atSecond: nil) : nil
        offered = result.offered
        blocked = result.blocked
        self.callRows = callRows
        targetRate = plan.pacer.targetRate(to: offeringSeconds)
        achievedRate = Self.rate(result.offered, over: offeringSeconds)
        var slaves: [String: SlaveSummary] = [:]
        for slave in plan.slaves {
            slaves[slave.name] = SlaveSummary(
                outcomes: [:],
                events: (result.slaveEvents[slave.name] ?? []).map {
                    .init(atSecond: Double($0.time - result.clockStart) / 1e9, up: $0.up, note: $0.note)
                },
                maxSessionsPerSecond: result.slaveStatus[slave.name]?.maxSessionsPerSecond,
                maxSessions: result.slaveStatus[slave.name]?.maxSessions,
                heartbeatSessionCount: result.heartbeats[slave.name]?.sessionCount,
                heartbeatIdleCPU: result.heartbeats[slave.name]?.idleCPU, limit: slave.limit, weight: slave.weight,
                health: SlaveHealth.Summary(
                    rows: result.slaveHealth.rows.filter { $0.slave == slave.name },
                    heartbeatIdleCPU: result.slaveHealth.lowestHeartbeatIdleCPU[slave.name]))
        }
        self.slaves = slaves
        warnings = result.warnings
        prepare = result.prepared.isEmpty ? nil : result.prepared
        generator = Generator(
            eventsHandled: result.eventsHandled,
            eventsPerSecond: Self.rate(result.eventsHandled, over: durationSeconds),
            cpuSeconds: result.cpuSeconds, peakResidentMB: result.peakResidentMB,
            recordQueueHighWater: result.recordQueueHighWater, recordQueueDepthAtEnd: result.recordQueueDepthAtEnd,
            slaves: result.sendQueues)
        notes = [
            "*_ms without server_ are measured on this generator's monotonic clock from when the call was sent (setup_ms_from_schedule: from when it was due)",
            "server_*_ms come from FreeSWITCH's own timestamps, which move in 20 ms steps by default",
            "asr = (answered + dropped) / offered; drop_rate = dropped / (answered + dropped); acd_s = mean hold of answered and dropped calls, on FreeSWITCH's clock when known (else this generator's)",
        ]
        setCounts(from: metrics, histograms: metrics.latencies)
        if metrics.mediaAnswered > 0 {
            notes.append(
                "mos = FreeSWITCH's rtp_audio_in_mos of calls that received RTP; rtp_loss_pct = flaws / (packets + flaws) × 100; "
                    + "jitter_ms = √(jitter_max_variance); no_media = answered calls that expected media and received no RTP packet")
        }
        if noMedia > 0 {
            warnings.append(
                "\(noMedia) of \(metrics.mediaAnswered) answered calls that expected media received no RTP at all "
                    + "(no_media): the signalling worked but the media path did not (check the far end's dialplan, RTP ports and NAT)")
        }
        if let hold = plan.holdSeconds, let drift = latencyMs["hold_drift_ms"],
            let warning = Self.holdDriftWarning(p50: drift.p50, p99: drift.p99, max: drift.max, plannedSeconds: hold)
        {
            warnings.append(warning)
        }
    }

    /// The p99 of ``CallRecord/holdDriftMs`` past which a run says its holds drifted:
    /// the generator aims at the planned hold within 20 ms at the median and 50 ms at
    /// the 99th percentile (BENCHMARKS.md, issue 14).
    public static let holdDriftLimitMs = 50.0

    /// What to say when the calls held as planned were held more than
    /// ``holdDriftLimitMs`` away from it at the 99th percentile (nil otherwise).
    public static func holdDriftWarning(p50: Double, p99: Double, max: Double, plannedSeconds: Int) -> String? {
        guard p99 > holdDriftLimitMs else { return nil }
        return String(
            format: "holds drifted from the planned %d s: hold_drift_ms p50 %.1f, p99 %.1f, max %.1f "
                + "(switchy aims within 20 ms at the median, %.0f ms at p99): the hangups reached the slaves late, "
                + "as they do past a slave's knee (its commands and events queue); see answer_ms and schedule_lag_ms",
            plannedSeconds, p50, p99, max, holdDriftLimitMs)
    }

    /// Sets the per-call counts — outcomes, causes, SIP statuses, each slave's and app's
    /// outcomes, ASR — and the latency percentiles from aggregated records: the one place
    /// a summary counts, for a run just made and for one read back or merged.
    mutating func setCounts(from metrics: RunMetrics.Snapshot, histograms: [String: LatencyHistogram]) {
        outcomes = Dictionary(uniqueKeysWithValues: CallRecord.Outcome.allCases.map { ($0.rawValue, metrics.outcomes[$0] ?? 0) })
        answered = metrics.outcomes[.answered] ?? 0
        dropped = metrics.outcomes[.dropped] ?? 0
        failed = metrics.outcomes[.failed] ?? 0
        lost = metrics.outcomes[.lost] ?? 0
        asr = Self.answerSeizureRatio(answered: answered + dropped, offered: offered)
        dropRate = Self.dropRate(dropped: dropped, answered: answered + dropped)
        acdSeconds = metrics.heldCalls > 0 ? Double(metrics.heldMicroseconds) / Double(metrics.heldCalls) / 1e6 : nil
        hangupCauses = metrics.causes
        sipStatuses = Dictionary(uniqueKeysWithValues: metrics.sipStatuses.map { (String($0.key), $0.value) })
        for name in slaves.keys { slaves[name]?.outcomes = [:] }
        for (name, counts) in metrics.slaves {
            slaves[name, default: SlaveSummary(outcomes: [:], events: [])].outcomes =
                Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
        }
        apps = metrics.apps.mapValues { Dictionary(uniqueKeysWithValues: $0.map { ($0.key.rawValue, $0.value) }) }
        let percentiles = histograms.compactMapValues(Percentiles.init)
        latencyMs = percentiles.filter { !RunMetrics.qualityNames.contains($0.key) }
        quality = percentiles.filter { RunMetrics.qualityNames.contains($0.key) }
        noMedia = metrics.noMedia
    }

    /// `count` per second of `seconds` (a zero time counts as a nanosecond's, so the
    /// rate stays finite).
    static func rate(_ count: Int, over seconds: Double) -> Double {
        Double(count) / Swift.max(seconds, 1e-9)
    }

    /// Answer-seizure ratio: answered / offered, each call made counted once, a
    /// dropped call counted as answered (nil when none was made). The one definition,
    /// for the run, a slave or an app.
    public static func answerSeizureRatio(answered: Int, offered: Int) -> Double? {
        offered > 0 ? Double(answered) / Double(offered) : nil
    }

    /// Drop rate: dropped / answered, where `answered` counts the dropped calls too
    /// (nil when none was answered).
    public static func dropRate(dropped: Int, answered: Int) -> Double? {
        answered > 0 ? Double(dropped) / Double(answered) : nil
    }

    /// Judges the run: sets ``thresholds`` to the verdicts of `thresholds`, in order —
    /// of ``Threshold/defaults`` when there are none and the run was no search (a
    /// search breaks them at its knee by design), with ``defaultThresholds`` set — and
    /// ``passed``: every verdict passed, the run was not interrupted nor aborted, and a
    /// search found a rate that held (an interrupted run never passes; its verdicts are
    /// still listed). Set ``search`` and ``abort`` first.
    public mutating func judge(by thresholds: [Threshold]) {
        defaultThresholds = thresholds.isEmpty && search == nil
        let source = MetricSource(summary: self)
        self.thresholds = (defaultThresholds ? Threshold.defaults : thresholds).map { $0.evaluate(source) }
        passed = !interrupted && self.thresholds.allSatisfy(\.passed) && abort == nil && search?.passed != false
    }

    /// The verdict in one word: `PASS`, `FAIL`, or `INTERRUPTED` (which wins).
    public var verdict: String { interrupted ? "INTERRUPTED" : abort != nil ? "ABORTED" : passed ? "PASS" : "FAIL" }
}

extension RunSummary.SlaveSummary.Event {
    enum CodingKeys: String, CodingKey {
        case up, note
        case atSecond = "at_s"
    }
}

extension RunSummary.SlaveSummary {
    init(outcomes: [String: Int], events: [Event]) {
        self.init(
            outcomes: outcomes, events: events, maxSessionsPerSecond: nil, maxSessions: nil, heartbeatSessionCount: nil,
            heartbeatIdleCPU: nil)
    }

    enum CodingKeys: String, CodingKey {
        case outcomes, events, health
        case maxSessionsPerSecond = "max_sessions_per_second", maxSessions = "max_sessions"
        case heartbeatSessionCount = "heartbeat_session_count", heartbeatIdleCPU = "heartbeat_idle_cpu"
    }
}
