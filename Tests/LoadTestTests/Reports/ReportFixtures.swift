import Foundation
@testable import LoadTest

/// Report inputs built by hand with fixed values, so what is rendered from them is
/// the same on every machine and every run.
enum ReportFixtures {
    /// 2027-01-15T08:00:00Z.
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    /// The run clock at that moment (ns) and the same moment in unix µs.
    static let clock = WallClockMapping(monotonicStart: 5_000_000_000, unixMicrosecondsStart: 1_800_000_000_000_000)

    /// `count` calls, one every 50 ms from `offset` s after the start, on two slaves:
    /// most answered after 100…400 ms and held 2 s, every 7th busy, every 11th failed
    /// at the job, every 13th lost. All times are whole µs, as calls.csv keeps them.
    static func records(
        count: Int, offset: Double = 0, slaves: [String] = ["10.0.0.5:8021", "10.0.0.6:8021"], seqBase: Int = 0,
        clock: WallClockMapping = clock
    ) -> [CallRecord] {
        (0..<count).map { i in
            let scheduled = clock.monotonicStart + Int64(offset * 1e9) + Int64(i) * 50_000_000 + 1_000
            var r = CallRecord(
                seq: seqBase + i + 1, callUUID: String(format: "00000000-0000-4000-8000-%012d", seqBase + i),
                slave: slaves[i % slaves.count], app: i % 3 == 0 ? "echo" : "park", scheduledAt: scheduled)
            r.sentAt = scheduled + Int64(137 + (i % 5) * 211) * 1_000
            let sent = r.sentAt!
            r.writtenAt = sent + Int64(12 + (i % 4) * 1_000) * 1_000
            r.createdAt = sent + 2_345_000
            r.serverCreated = 1_800_000_000_000_000 + Int64(i) * 50_000
            if i % 13 == 12 {
                r.outcome = .lost
                r.error = "slave 10.0.0.6:8021 disconnected"
                return r
            }
            if i % 11 == 10 {
                r.outcome = .failed
                r.hangupCause = "NORMAL_TEMPORARY_FAILURE"
                r.error = "-ERR NORMAL_TEMPORARY_FAILURE, \"quoted\""
                r.jobDoneAt = sent + 9_876_000
                r.createdAt = nil
                r.serverCreated = nil
                return r
            }
            r.progressAt = sent + Int64(40 + i % 9) * 1_000_000 + 17_000
            r.serverProgress = r.serverCreated! + 40_000
            if i % 7 == 6 {
                r.outcome = .rejected
                r.hangupCause = "USER_BUSY"
                r.sipStatus = 486
                r.hangupAt = r.progressAt! + 5_000_000
                r.jobDoneAt = r.hangupAt
                return r
            }
            r.outcome = .answered
            r.hangupCause = "NORMAL_CLEARING"
            r.sipStatus = 200
            r.answeredAt = sent + Int64(100 + (i * 37) % 300) * 1_000_000 + 421_000
            r.jobDoneAt = r.answeredAt! + 301_000
            r.hangupAt = r.answeredAt! + 2_000_000_000 + Int64(i % 4) * 1_000
            r.serverAnswered = r.serverCreated! + Int64(100 + (i * 37) % 300) * 1_000
            r.serverHangup = r.serverAnswered! + 2_000_000
            return r
        }
    }

    /// The summary a run of `records` would write, with its timeline.
    static func data(
        records: [CallRecord], name: String, runID: String, blocked: Int = 0, thresholds: [ThresholdVerdict] = [],
        warnings: [String] = [], profileJSON: String = "{ \"name\" : \"fixture\" }"
    ) -> ReportData {
        let metrics = RunMetrics()
        for record in records { metrics.add(record) }
        let snapshot = metrics.snapshot
        let seconds = Swift.max(1, Int(((records.last.map { Double($0.scheduledAt - clock.monotonicStart) / 1e9 } ?? 0)).rounded(.up)))
        let result = LoadRun.Result(
            startedAt: start, endedAt: start.addingTimeInterval(Double(seconds) + 2.5), clockStart: clock.monotonicStart,
            offered: records.count, blocked: blocked, outcomes: snapshot.outcomes, interrupted: false,
            slaveEvents: ["10.0.0.6:8021": [
                SlaveEvent(time: clock.monotonicStart, up: true, note: "connected"),
                SlaveEvent(time: clock.monotonicStart + 1_500_000_000, up: false, note: "connection reset <EOF>"),
            ]],
            slaveStatus: [:], heartbeats: [:], warnings: warnings, offeringSeconds: Double(seconds))
        let plan = RunPlan(
            name: name, runID: runID,
            slaves: ["10.0.0.5:8021", "10.0.0.6:8021"].map {
                RunPlan.Slave(name: $0, host: String($0.split(separator: ":")[0]), port: 8021, password: "x", call: .init(dest: "echo"))
            },
            pacer: Pacer(curve: .constant(20), endTime: Double(seconds)))
        let summary = RunSummary(result: result, plan: plan, metrics: snapshot, callRows: records.count)
        let timeline = (1...seconds).map { second in
            let sent = records.filter { ($0.sentAt ?? 0) - clock.monotonicStart < Int64(second) * 1_000_000_000
                && ($0.sentAt ?? 0) - clock.monotonicStart >= Int64(second - 1) * 1_000_000_000 }
            var answers = LatencyHistogram()
            for record in sent { if let ms = record.answerMs { answers.record(milliseconds: ms) } }
            func p(_ percentile: Double) -> Double? { answers.value(atPercentile: percentile).map { Double($0) / 1_000 } }
            return TimelineRow(
                second: second, targetRate: 20, offered: sent.count, achievedRate: Double(sent.count), blocked: second == 2 ? blocked : 0,
                answered: sent.filter { $0.outcome == .answered }.count, failed: sent.filter { $0.outcome != .answered }.count,
                active: sent.count * 2, answerP50: p(50), answerP95: p(95), answerP99: p(99))
        }
        return ReportData(summary: summary, timeline: timeline, histograms: snapshot.latencies, thresholds: thresholds, profileJSON: profileJSON)
    }
}
