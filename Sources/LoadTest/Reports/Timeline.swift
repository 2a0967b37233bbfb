import Synchronization

/// The timeline sink: keeps each per-second progress snapshot and, for every answered
/// call, its sent time and `answer_ms` histogram bucket, then makes the rows of
/// `timeline.csv` at the end (the run's start is known only then).
public final class TimelineRecorder: RecordSink {
    private let snapshots = Mutex<[LoadRun.Progress]>([])
    private let answers = Mutex<[(sent: Int64, bucket: Int32)]>([])

    public init() {}

    public func add(_ record: CallRecord) {
        if let sent = record.sentAt, let answer = record.answerMs {
            let bucket = Int32(LatencyHistogram.index(of: Int64((answer * 1_000).rounded())))
            answers.withLock { $0.append((sent, bucket)) }
        }
    }

    public func progress(_ snapshot: LoadRun.Progress) {
        snapshots.withLock { $0.append(snapshot) }
    }

    /// The per-second rows: progress deltas, and the answer latency of the calls sent
    /// in each second.
    public func rows(clockStart: Int64) -> [TimelineRow] {
        var byRunSecond: [Int: [Int: Int64]] = [:]
        for (sent, bucket) in answers.withLock({ $0 }) {
            // A call sent during [start + k − 1, start + k) s belongs to row k.
            let runSecond = Int(max(0, sent - clockStart) / 1_000_000_000) + 1
            byRunSecond[runSecond, default: [:]][Int(bucket), default: 0] += 1
        }
        var rows = Timeline.rows(snapshots.withLock { $0 })
        for index in rows.indices {
            guard let counts = byRunSecond[rows[index].second] else { continue }
            rows[index].answerP50 = Timeline.percentile(counts, 50)
            rows[index].answerP95 = Timeline.percentile(counts, 95)
            rows[index].answerP99 = Timeline.percentile(counts, 99)
        }
        return rows
    }
}

/// The rows of `timeline.csv` (written by ``TimelineFile``): one per second of the run.
enum Timeline {
    /// Rows from the per-second progress snapshots (differences of the counters).
    static func rows(_ snapshots: [LoadRun.Progress]) -> [TimelineRow] {
        var rows: [TimelineRow] = []
        var previous = LoadRun.Progress(
            elapsed: 0, targetRate: 0, offered: 0, blocked: 0, inFlight: 0, outcomes: [:], offering: true)
        for snapshot in snapshots {
            let seconds = max(1e-9, snapshot.elapsed - previous.elapsed)
            let offered = snapshot.offered - previous.offered
            let notAnswered = { (p: LoadRun.Progress) in
                p.outcomes.filter { $0.key != .answered && $0.key != .dropped }.values.reduce(0, +)
            }
            let dropped = { (p: LoadRun.Progress) in p.outcomes[.dropped] ?? 0 }
            rows.append(
                TimelineRow(
                    second: max((rows.last?.second ?? 0) + 1, Int(snapshot.elapsed.rounded())), targetRate: snapshot.targetRate, offered: offered,
                    achievedRate: Double(offered) / seconds, blocked: snapshot.blocked - previous.blocked,
                    answered: (snapshot.outcomes[.answered] ?? 0) - (previous.outcomes[.answered] ?? 0),
                    failed: notAnswered(snapshot) - notAnswered(previous), dropped: dropped(snapshot) - dropped(previous),
                    active: snapshot.inFlight,
                    heartbeatSessions: snapshot.heartbeatSessions))
            previous = snapshot
        }
        return rows
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
