import Synchronization

/// The timeline sink: keeps each per-second progress snapshot and the times of every
/// call (``Timeline/Call``), then makes the rows of `timeline.csv` at the end (the
/// run's start is known only then).
public final class TimelineRecorder: RecordSink {
    private let snapshots = Mutex<[LoadRun.Progress]>([])
    private let calls = Mutex<[Timeline.Call]>([])
    private let clock: WallClockMapping

    /// - Parameter clock: maps the records' times to unix µs, as `calls.csv` writes them.
    public init(clock: WallClockMapping) {
        self.clock = clock
    }

    public func add(_ record: CallRecord) {
        let call = Timeline.Call(record, answerMs: record.answerMs, clock: clock)
        calls.withLock { $0.append(call) }
    }

    public func progress(_ snapshot: LoadRun.Progress) {
        snapshots.withLock { $0.append(snapshot) }
    }

    /// The per-second rows of a run whose offering began at `start` (unix µs) and
    /// lasted `offeringSeconds`, on `pacer`'s schedule.
    public func rows(start: Int64, pacer: Pacer, offeringSeconds: Double) -> [TimelineRow] {
        var rows = Timeline.rows(snapshots.withLock { $0 }, pacer: pacer, offeringSeconds: offeringSeconds)
        Timeline.setCallFigures(&rows, calls: calls.withLock { $0 }, start: start)
        return rows
    }
}

/// The rows of `timeline.csv` (written by ``TimelineFile``): one per second of the run.
///
/// Row n covers (n − 1, n] s after offering began: a call due at exactly 1 s is the
/// last of the first second's calls, as ⌊∫₀ᵗ rate⌋ counts it, so a run on time shows
/// `offered` = `target_rate` in every second. What the calls themselves say —
/// `offered`, `achieved_rate`, `answered`, `calls_up` and the answer latency — comes
/// from their times in unix µs (as `calls.csv` has them) through one function,
/// ``setCallFigures(_:calls:start:)``, for a run and for `switchy report` alike, so a
/// re-rendered run has the same numbers. `target_rate` is the schedule's over the row's
/// second; `blocked`, `failed`, `active` and `heartbeat_sessions` come from the run's
/// per-second snapshots.
enum Timeline {
    /// One call's times, unix µs, as the timeline buckets them.
    struct Call: Sendable, Equatable {
        /// When it was sent (when it was due, for a call no slave could take).
        var offeredAt: Int64
        var answeredAt: Int64?
        var endedAt: Int64?
        /// Its `answer_ms` histogram bucket, if it was answered.
        var answerBucket: Int32?

        /// - Parameter answerMs: the call's `answer_ms` (the `calls.csv` column, when read back).
        init(_ record: CallRecord, answerMs: Double?, clock: WallClockMapping) {
            offeredAt = clock.unixMicroseconds(monotonic: record.sentAt ?? record.scheduledAt)
            answeredAt = record.answeredAt.map { clock.unixMicroseconds(monotonic: $0) }
            endedAt = record.hangupAt.map { clock.unixMicroseconds(monotonic: $0) }
            answerBucket = answerMs.map { Int32(LatencyHistogram.index(of: Int64(($0 * 1_000).rounded()))) }
        }
    }

    /// The row (second) a time falls in: row n covers (n − 1, n] s after `start` (unix
    /// µs); a time at or before the start is in row 1.
    static func second(of time: Int64, start: Int64) -> Int {
        let offset = time - start
        return offset <= 0 ? 1 : Int((offset + 999_999) / 1_000_000)
    }

    /// Rows from the per-second progress snapshots: `blocked`, `failed` and `active`
    /// from the counters, `target_rate` from `pacer` (the calls it schedules in the
    /// row's second, within the offering time and `run_time`). The calls' own figures are left for
    /// ``setCallFigures(_:calls:start:)``.
    static func rows(_ snapshots: [LoadRun.Progress], pacer: Pacer, offeringSeconds: Double) -> [TimelineRow] {
        // No call is scheduled past `run_time`: the moment the scheduler took to see
        // it had passed is not target (so runs that ended a few ms apart, segments of
        // one scenario say, have the same target in every row).
        let offeringSeconds = min(offeringSeconds, pacer.endTime ?? .infinity)
        var rows: [TimelineRow] = []
        var previous = LoadRun.Progress(
            elapsed: 0, targetRate: 0, offered: 0, blocked: 0, inFlight: 0, outcomes: [:], offering: true)
        for snapshot in snapshots {
            let notAnswered = { (p: LoadRun.Progress) in
                p.outcomes.filter { $0.key != .answered && $0.key != .dropped }.values.reduce(0, +)
            }
            let dropped = { (p: LoadRun.Progress) in p.outcomes[.dropped] ?? 0 }
            let second = max((rows.last?.second ?? 0) + 1, Int(snapshot.elapsed.rounded()))
            let from = min(Double(second - 1), offeringSeconds)
            rows.append(
                TimelineRow(
                    second: second, targetRate: pacer.scheduled(from: from, to: min(Double(second), offeringSeconds)),
                    offered: 0, achievedRate: 0, blocked: snapshot.blocked - previous.blocked, answered: 0,
                    failed: notAnswered(snapshot) - notAnswered(previous), dropped: dropped(snapshot) - dropped(previous),
                    active: snapshot.inFlight,
                    heartbeatSessions: snapshot.heartbeatSessions))
            previous = snapshot
        }
        return rows
    }

    /// Sets each row's `offered` and `achieved_rate` (calls sent in its second),
    /// `answered` (answers in its second), `calls_up` (answered and not ended at its
    /// end) and answer_ms p50/p95/p99 (of the calls sent in its second; nil when none
    /// of them was answered) from `calls`, bucketed from `start` (unix µs) by
    /// ``second(of:start:)``. A call answered with no end known is not counted up.
    static func setCallFigures(_ rows: inout [TimelineRow], calls: [Call], start: Int64) {
        var offered: [Int: Int] = [:]
        var answered: [Int: Int] = [:]
        var upChange: [Int: Int] = [:]
        // Sparse counts per second (bucket → count): a dense histogram a second would
        // cost 31 KB × the run's length.
        var answers: [Int: [Int: Int64]] = [:]
        for call in calls {
            let sent = second(of: call.offeredAt, start: start)
            offered[sent, default: 0] += 1
            if let bucket = call.answerBucket { answers[sent, default: [:]][Int(bucket), default: 0] += 1 }
            guard let answeredAt = call.answeredAt else { continue }
            let answer = second(of: answeredAt, start: start)
            answered[answer, default: 0] += 1
            upChange[answer, default: 0] += 1
            upChange[second(of: call.endedAt ?? answeredAt, start: start), default: 0] -= 1
        }
        let changes = upChange.sorted { $0.key < $1.key }
        var next = changes.startIndex
        var up = 0
        for index in rows.indices {
            let second = rows[index].second
            while next < changes.endIndex, changes[next].key <= second {
                up += changes[next].value
                next += 1
            }
            let counts = answers[second] ?? [:]
            rows[index].offered = offered[second] ?? 0
            rows[index].achievedRate = Double(rows[index].offered)
            rows[index].answered = answered[second] ?? 0
            rows[index].callsUp = up
            rows[index].answerP50 = percentile(counts, 50)
            rows[index].answerP95 = percentile(counts, 95)
            rows[index].answerP99 = percentile(counts, 99)
        }
    }

    /// A percentile (ms) of sparse histogram counts (bucket index → count).
    static func percentile(_ counts: [Int: Int64], _ percentile: Double) -> Double? {
        let total = counts.values.reduce(0, +)
        guard total > 0 else { return nil }
        let rank = max(1, Int64((Double(total) * percentile / 100).rounded(.up)))
        var seen: Int64 = 0
        for index in counts.keys.sorted() {
            seen += counts[index]!
            if seen >= rank { return Double(LatencyHistogram.midpoint(of: index)) / 1_000 }
        }
        return nil
    }
}
