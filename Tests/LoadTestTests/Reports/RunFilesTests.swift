import Foundation
@testable import LoadTest
import Testing

/// Reading run folders back and merging them: records → calls.csv → records, the
/// histograms rebuilt exactly, two runs merged into added totals.
@Suite struct RunFilesTests {
    let base: URL

    init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-runfiles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    }

    func histograms(_ records: [CallRecord]) -> [String: LatencyHistogram] {
        let metrics = RunMetrics()
        for record in records { metrics.add(record) }
        return metrics.snapshot.latencies
    }

    func runA() throws -> RunFolderFixture {
        try RunFolderFixture(
            base: base.appendingPathComponent("a"), name: "host-a", runID: "run-aaaa", start: ReportFixtures.start,
            clock: ReportFixtures.clock, records: ReportFixtures.records(count: 60), slaves: ["10.0.0.5:8021", "10.0.0.6:8021"],
            blocked: 3)
    }

    /// A second host that started 3 s later, on its own slaves and its own clock.
    func runB() throws -> RunFolderFixture {
        let clock = WallClockMapping(monotonicStart: 9_000_000_000, unixMicrosecondsStart: 1_800_000_003_000_000)
        return try RunFolderFixture(
            base: base.appendingPathComponent("b"), name: "host-b", runID: "run-bbbb",
            start: ReportFixtures.start.addingTimeInterval(3), clock: clock,
            records: ReportFixtures.records(count: 45, slaves: ["10.1.0.7:8021"], seqBase: 1_000, clock: clock),
            slaves: ["10.1.0.7:8021"], blocked: 2)
    }

    @Test func recordsSurviveTheRoundTripThroughCallsCSV() throws {
        let run = try runA()
        let back = try RunFiles.read(run.directory)
        #expect(back.records.count == run.records.count)
        // Written again, every row is the same as the run wrote it.
        #expect(back.records.map { CallsCSVWriter.row($0, clock: back.clock) } == run.records.map { CallsCSVWriter.row($0, clock: run.clock) })
        for (original, read) in zip(run.records, back.records) {
            #expect(read.seq == original.seq && read.callUUID == original.callUUID && read.slave == original.slave)
            #expect(read.app == original.app && read.outcome == original.outcome && read.hangupCause == original.hangupCause)
            #expect(read.sipStatus == original.sipStatus && read.error == original.error)
            // Local times: the same instants, on a clock whose zero is started_at.
            let shift = original.scheduledAt - read.scheduledAt
            #expect(read.shifted(by: shift).scheduledAt == original.scheduledAt)
            #expect([read.sentAt, read.createdAt, read.progressAt, read.answeredAt, read.jobDoneAt, read.hangupAt].map { $0.map { $0 + shift } }
                == [original.sentAt, original.createdAt, original.progressAt, original.answeredAt, original.jobDoneAt, original.hangupAt])
            // Every interval, both clocks.
            #expect(read.answerMs == original.answerMs && read.pddMs == original.pddMs && read.holdMs == original.holdMs)
            #expect(read.setupMsFromSchedule == original.setupMsFromSchedule && read.originateMs == original.originateMs)
            #expect(read.scheduleLagMs == original.scheduleLagMs)
            #expect(read.serverPddMs == original.serverPddMs && read.serverAnswerMs == original.serverAnswerMs)
            #expect(read.serverHoldMs == original.serverHoldMs)
        }
        #expect(back.histograms == histograms(run.records), "histograms rebuilt exactly from the columns")
    }

    @Test func summaryRebuiltFromTheFilesMatchesTheRunsOwn() throws {
        let run = try runA()
        let back = try RunFiles.read(run.directory)
        let summary = back.summary
        #expect(summary.offered == 60 && summary.blocked == 3 && summary.callRows == 60)
        #expect(summary.outcomes == run.summary.outcomes)
        #expect(summary.hangupCauses == run.summary.hangupCauses && summary.sipStatuses == run.summary.sipStatuses)
        #expect(summary.latencyMs == run.summary.latencyMs)
        #expect(summary.apps == run.summary.apps)
        #expect(summary.slaves.mapValues(\.outcomes) == run.summary.slaves.mapValues(\.outcomes))
        #expect(summary.slaves["10.0.0.5:8021"]?.events.first?.note == "reset")
        #expect(summary.startedAt == run.summary.startedAt && summary.runID == "run-aaaa")
        // The files written again are the same files.
        let out = base.appendingPathComponent("again")
        try back.write(to: out)
        for name in ["calls.csv", "timeline.csv", "summary.json"] {
            let original = try String(contentsOf: run.directory.appendingPathComponent(name), encoding: .utf8)
            let rewritten = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
            if name == "summary.json" {
                // Same JSON (the writer's whitespace aside).
                #expect(try canonical(original) == canonical(rewritten))
            } else {
                #expect(rewritten == original, "\(name)")
            }
        }
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("report.html").path))
    }

    @Test func timelineGetsTheAnswerPercentilesOfEachSecond() throws {
        let run = try runA()
        let back = try RunFiles.read(run.directory)
        let first = try #require(back.timeline.first)
        var expected = LatencyHistogram()
        for record in run.records where (record.sentAt ?? .max) - run.clock.monotonicStart < 1_000_000_000 {
            if let ms = record.answerMs { expected.record(milliseconds: ms) }
        }
        #expect(first.answerP99 == expected.value(atPercentile: 99).map { Double($0) / 1_000 })
        #expect(back.timeline.count == Int(run.summary.durationSeconds.rounded()))
    }

    @Test func mergeAddsTotalsAndMergesHistogramsExactly() throws {
        let (a, b) = (try runA(), try runB())
        let merged = RunFiles.merge([try RunFiles.read(b.directory), try RunFiles.read(a.directory)])
        let summary = merged.summary
        #expect(summary.offered == 105 && summary.blocked == 5 && summary.callRows == 105)
        for outcome in CallRecord.Outcome.allCases.map(\.rawValue) {
            #expect(summary.outcomes[outcome] == (a.summary.outcomes[outcome] ?? 0) + (b.summary.outcomes[outcome] ?? 0))
        }
        #expect(summary.answered == a.summary.answered + b.summary.answered)
        for (cause, count) in summary.hangupCauses {
            #expect(count == (a.summary.hangupCauses[cause] ?? 0) + (b.summary.hangupCauses[cause] ?? 0))
        }
        var expected = histograms(a.records)
        for (name, histogram) in histograms(b.records) { expected[name, default: LatencyHistogram()].merge(histogram) }
        #expect(merged.histograms == expected)
        #expect(merged.histograms == histograms(a.records + b.records), "merging = recording everything in one")
        #expect(Set(summary.slaves.keys) == ["10.0.0.5:8021", "10.0.0.6:8021", "10.1.0.7:8021"])
        #expect(summary.startedAt == a.summary.startedAt, "the earliest start, whatever the argument order")
        #expect(summary.runID == "run-aaaa+run-bbbb" && summary.name == "host-a + host-b")
        #expect(summary.warnings == ["run-aaaa: host-a: a warning", "run-bbbb: host-b: a warning"])
    }

    @Test func mergedTimelinesAlignOnWallClockSeconds() throws {
        let (a, b) = (try RunFiles.read(try runA().directory), try RunFiles.read(try runB().directory))
        let merged = RunFiles.merge([a, b])
        let bySecond = Dictionary(uniqueKeysWithValues: merged.timeline.map { ($0.second, $0) })
        #expect(merged.timeline.map(\.second) == Array(1...merged.timeline.count), "one row per second, no gap")
        for row in merged.timeline {
            let fromA = a.timeline.first { $0.second == row.second }
            let fromB = b.timeline.first { $0.second == row.second - 3 }  // B started 3 s later
            #expect(row.offered == (fromA?.offered ?? 0) + (fromB?.offered ?? 0), "second \(row.second)")
            #expect(row.active == (fromA?.active ?? 0) + (fromB?.active ?? 0), "second \(row.second)")
            #expect(row.targetRate == (fromA?.targetRate ?? 0) + (fromB?.targetRate ?? 0), "second \(row.second)")
        }
        #expect(bySecond[4]?.offered == (a.timeline.first { $0.second == 4 }?.offered ?? 0) + (b.timeline.first?.offered ?? 0))
    }

    @Test func theSameRunTwiceIsRefused() throws {
        let a = try RunFiles.read(try runA().directory)
        let b = try RunFiles.read(try runB().directory)
        #expect(RunFiles.mergeProblem([a, b]) == nil)
        let problem = try #require(RunFiles.mergeProblem([a, b, a]))
        #expect(problem.description.contains("the same run as") && problem.description.contains("run-aaaa"))
    }

    /// Runs an hour apart: merged by wall clock they warn (the timeline would be an
    /// hour long); `--align start` lays the second over the first, second by second.
    @Test func runsApartInTimeWarnAndCanBeAlignedOnTheirStarts() throws {
        let a = try RunFiles.read(try runA().directory)
        let clock = WallClockMapping(monotonicStart: 5_000_000_000, unixMicrosecondsStart: 1_800_003_600_000_000)
        let later = try RunFiles.read(
            try RunFolderFixture(
                base: base.appendingPathComponent("c"), name: "host-c", runID: "run-cccc",
                start: ReportFixtures.start.addingTimeInterval(3_600), clock: clock,
                records: ReportFixtures.records(count: 60, slaves: ["10.2.0.1:8021"], seqBase: 2_000, clock: clock),
                slaves: ["10.2.0.1:8021"]
            ).directory)
        #expect(RunFiles.overlapWarning([a, try RunFiles.read(try runB().directory)]) == nil, "B overlaps A")
        let warning = try #require(RunFiles.overlapWarning([a, later]))
        #expect(warning.contains("run-aaaa") && warning.contains("run-cccc") && warning.contains("--align start"))
        let overlaid = RunFiles.merge([a, later], align: .start)
        #expect(overlaid.timeline.count == max(a.timeline.count, later.timeline.count))
        for row in overlaid.timeline {
            let fromA = a.timeline.first { $0.second == row.second }
            let fromC = later.timeline.first { $0.second == row.second }
            #expect(row.offered == (fromA?.offered ?? 0) + (fromC?.offered ?? 0), "second \(row.second)")
        }
        #expect(overlaid.summary.offeringSeconds == max(a.summary.offeringSeconds, later.summary.offeringSeconds))
        #expect(overlaid.summary.achievedRate > a.summary.achievedRate, "the two runs' rates add up")
        let byClock = RunFiles.merge([a, later])
        #expect(byClock.timeline.count > 3_600)
    }

    /// One rule everywhere: the merged run is judged again over its own figures by its
    /// runs' rules, and the page, the summary and JUnit say the same; the page says it
    /// is a merge and of which runs.
    @Test func aMergeIsJudgedAgainByItsRunsRules() throws {
        var a = try RunFiles.read(try runA().directory)
        var b = try RunFiles.read(try runB().directory)
        a.summary.judge(by: [try Threshold("offered >= 100")])
        b.summary.judge(by: [try Threshold("offered >= 100"), try Threshold("blocked <= 3")])
        #expect(!a.summary.passed && !b.summary.passed, "60 and 45 offered: each alone fails")
        let merged = RunFiles.merge([a, b])
        #expect(merged.summary.thresholds.map(\.expression) == ["offered >= 100", "blocked <= 3"])
        #expect(merged.summary.thresholds.map(\.passed) == [true, false], "105 offered, 5 blocked")
        #expect(!merged.summary.passed && !merged.summary.defaultThresholds)
        #expect(merged.thresholds == merged.summary.thresholds)
        let page = HTMLReport.render(merged.reportData)
        #expect(page.contains(">FAIL</div>") && !page.contains("NO THRESHOLDS"))
        #expect(page.contains("Merged from 2 runs") && page.contains("run-aaaa") && page.contains("run-bbbb"))
        let plain = RunFiles.merge([try RunFiles.read(try runA().directory), try RunFiles.read(try runB().directory)])
        #expect(plain.summary.defaultThresholds && plain.summary.thresholds.map(\.expression) == Threshold.defaultRules)
    }

    @Test func mergedFolderReadsBackToTheSameTotals() throws {
        let merged = RunFiles.merge([try RunFiles.read(try runA().directory), try RunFiles.read(try runB().directory)])
        let out = base.appendingPathComponent("merged")
        try merged.write(to: out)
        let back = try RunFiles.read(out)
        #expect(back.summary.offered == 105 && back.summary.outcomes == merged.summary.outcomes)
        #expect(back.histograms == merged.histograms)
        #expect(back.summary.warnings == merged.summary.warnings, "no rows/offered mismatch")
        let object = try json(try String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8))
        #expect((object["merged_from"] as? [[String: Any]])?.count == 2)
        #expect(((object["profiles"] as? [String: Any])?.keys).map(Set.init) == ["run-aaaa", "run-bbbb"])
    }

    /// The JSON re-serialized with sorted keys, to compare documents.
    func canonical(_ text: String) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: try json(text), options: [.sortedKeys]), as: UTF8.self)
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}
