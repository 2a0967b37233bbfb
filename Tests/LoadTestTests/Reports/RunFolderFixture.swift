import Foundation
@testable import LoadTest

/// A run folder written by the run's own writers (``RunReport``: calls.csv, timeline.csv,
/// summary.json) from hand-made records, as `switchy run` would leave it.
struct RunFolderFixture {
    let directory: URL
    let records: [CallRecord]
    let clock: WallClockMapping
    let summary: RunSummary

    /// Writes a run of `records` (on `clock`, started at `start`) under `base`.
    init(
        base: URL, name: String, runID: String, start: Date, clock: WallClockMapping, records: [CallRecord],
        slaves: [String], blocked: Int = 0
    ) throws {
        let report = try RunReport(base: base.path, name: name, start: start, clock: clock)
        for record in records { report.add(record) }
        let last = records.map { $0.hangupAt ?? $0.jobDoneAt ?? $0.scheduledAt }.max() ?? clock.monotonicStart
        let seconds = Swift.max(1, Int((Double(last - clock.monotonicStart) / 1e9).rounded(.up)))
        for second in 1...seconds {
            let end = clock.monotonicStart + Int64(second) * 1_000_000_000
            let offered = records.filter { ($0.sentAt ?? .max) < end }
            let ended = records.filter { ($0.hangupAt ?? $0.jobDoneAt ?? .max) < end }
            var outcomes: [CallRecord.Outcome: Int] = [:]
            for record in ended { outcomes[record.outcome, default: 0] += 1 }
            report.progress(
                LoadRun.Progress(
                    elapsed: Double(second), targetRate: 20, offered: offered.count, blocked: blocked,
                    inFlight: offered.count - ended.count, outcomes: outcomes, offering: true))
            report.flush()  // as the record queue does after each snapshot
        }
        var outcomes: [CallRecord.Outcome: Int] = [:]
        for record in records { outcomes[record.outcome, default: 0] += 1 }
        var result = LoadRun.Result(
            startedAt: start, endedAt: start.addingTimeInterval(Double(seconds)), clockStart: clock.monotonicStart,
            offered: records.count, blocked: blocked, outcomes: outcomes, interrupted: false,
            slaveEvents: [slaves[0]: [SlaveEvent(time: clock.monotonicStart + 500_000_000, up: false, note: "reset")]],
            slaveStatus: [:], heartbeats: [:], warnings: ["\(name): a warning"], offeringSeconds: 3)
        // The first slave's own figures: read in seconds 1 and 3, a gap in second 2.
        result.slaveHealth = SlaveHealth.Record(
            rows: [
                SlaveHealthRow(second: 1, slave: slaves[0], sessions: 17, sessionsPerSecond: 20, idleCPU: 91.25),
                SlaveHealthRow(second: 2, slave: slaves[0]),
                SlaveHealthRow(second: 3, slave: slaves[0], sessions: 8, sessionsPerSecond: 0, idleCPU: 96.5),
            ], lowestHeartbeatIdleCPU: [slaves[0]: 93])
        let plan = RunPlan(
            name: name, runID: runID,
            slaves: slaves.map { RunPlan.Slave(name: $0, host: $0, port: 8021, password: "x", call: .init(dest: "echo")) },
            pacer: Pacer(curve: .constant(20), endTime: 3))
        summary = try report.finish(
            result: result, plan: plan, profile: ["name": name, "note": "profile of \(runID)"], thresholds: [])
        directory = report.directory
        self.records = records
        self.clock = clock
    }
}
