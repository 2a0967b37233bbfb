import Foundation
@testable import LoadTest
import Testing

/// Issue 14 §2–3: dropped calls and ACD in the summary and the thresholds, the default
/// verdict (SIPp's rule) written into the reports, and an interrupted run that never
/// passes — in `summary.json`, `junit.xml` and `report.html`.
@Suite struct VerdictTests {
    /// A call of the fixture run: `outcome` from ``CallRecord/Outcome/classify(_:)``,
    /// planned for 3 s and held `held` s on the server's clock (nil: not answered,
    /// rejected with 404).
    static func call(_ index: Int, held: Double?) -> CallRecord {
        let clock = ReportFixtures.clock
        var record = CallRecord(
            seq: index, callUUID: String(format: "00000000-0000-4000-8000-%012d", index), slave: "sim-1", app: nil,
            scheduledAt: clock.monotonicStart + Int64(index) * 100_000_000)
        record.plannedHold = 3_000_000_000
        record.sentAt = record.scheduledAt
        record.serverCreated = 1_800_000_000_000_000 + Int64(index) * 100_000
        if let held {
            record.answeredAt = record.sentAt! + 100_000_000
            record.hangupAt = record.answeredAt! + Int64(held * 1e9)
            record.serverAnswered = record.serverCreated! + 100_000
            record.serverHangup = record.serverAnswered! + Int64(held * 1e6)
            record.hangupCause = held < 3 ? "SYSTEM_SHUTDOWN" : "ALLOTTED_TIMEOUT"
            if held >= 3 { record.hangupRequestedAt = record.hangupAt }
        } else {
            record.hangupCause = "NO_ROUTE_DESTINATION"
            record.sipStatus = 404
            record.hangupAt = record.sentAt! + 20_000_000
        }
        record.jobDoneAt = record.hangupAt
        record.outcome = CallRecord.Outcome.classify(record)
        return record
    }

    /// 8 calls held 3 s, 2 cut by a shutdown after 1 s, 2 rejected.
    static let mixed: [CallRecord] =
        (0..<8).map { call($0, held: 3) } + (8..<10).map { call($0, held: 1) } + (10..<12).map { call($0, held: nil) }

    static func summary(_ records: [CallRecord]) -> RunSummary {
        ReportFixtures.data(records: records, name: "verdict", runID: "run-verdict").summary
    }

    // MARK: Dropped calls, ASR, drop rate, ACD

    @Test func droppedCallsCountAsAnsweredInASRAndApartInTheOutcomes() {
        let summary = Self.summary(Self.mixed)
        #expect(Self.mixed.filter { $0.outcome == .dropped }.count == 2, "classified from the hold")
        #expect(summary.answered == 8 && summary.dropped == 2 && summary.outcomes["dropped"] == 2)
        #expect(summary.outcomes.values.reduce(0, +) == 12)
        #expect(summary.asr == 10.0 / 12, "(answered + dropped) / offered")
        #expect(summary.dropRate == 0.2, "dropped / (answered + dropped)")
        #expect(summary.acdSeconds.map { abs($0 - 2.6) < 1e-9 } == true, "(8 × 3 + 2 × 1) / 10 s")
    }

    @Test func noAnsweredCallMeansNoDropRateAndNoACD() {
        let summary = Self.summary((0..<3).map { Self.call($0, held: nil) })
        #expect(summary.asr == 0 && summary.dropRate == nil && summary.acdSeconds == nil)
    }

    @Test(arguments: [
        ("dropped == 2", true, 2.0),  // the count
        ("dropped == 0", false, 2),  // a default rule, failing
        ("drop_rate <= 0.1", false, 0.2),  // 2 of 10 answered
        ("drop_rate < 0.25", true, 0.2),
        ("acd_s >= 2.5", true, 2.6),  // mean hold, s, dropped calls included
        ("acd_s > 2.9", false, 2.6),
        ("asr == 1", false, 10.0 / 12),  // a default rule: the rejected calls fail it
        ("answered + dropped + rejected == offered", true, 12),
    ] as [(String, Bool, Double)])
    func thresholdsOnDroppedCallsAndACD(text: String, passes: Bool, measured: Double) throws {
        let verdict = try Threshold(text).evaluate(MetricSource(summary: Self.summary(Self.mixed)))
        #expect(verdict.passed == passes, "\(verdict.message)")
        #expect(verdict.measured.map { abs($0 - measured) < 1e-9 } == true, "\(verdict.message)")
    }

    @Test func dropRateAndACDWithoutDataFail() throws {
        let source = MetricSource(summary: Self.summary([Self.call(0, held: nil)]))
        for text in ["drop_rate <= 0.01", "acd_s >= 1"] {
            let verdict = try Threshold(text).evaluate(source)
            #expect(!verdict.passed && verdict.message.hasPrefix("no data for"), "\(verdict.message)")
        }
    }

    /// `switchy report` recomputes per-call figures from calls.csv: the dropped calls,
    /// the drop rate and ACD come back as the run had them, to the µs.
    @Test func droppedCallsAndACDSurviveTheRoundTripThroughCallsCSV() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-verdict-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let run = try RunFolderFixture(
            base: base, name: "dropped", runID: "run-drop", start: ReportFixtures.start, clock: ReportFixtures.clock,
            records: Self.mixed, slaves: ["sim-1"])
        let back = try RunFiles.read(run.directory).summary
        #expect(run.summary.dropped == 2 && back.dropped == 2 && back.outcomes == run.summary.outcomes)
        #expect(back.asr == run.summary.asr && back.dropRate == run.summary.dropRate)
        #expect(back.acdSeconds == run.summary.acdSeconds && back.acdSeconds.map { abs($0 - 2.6) < 1e-9 } == true)
        let timeline = try String(contentsOf: run.directory.appendingPathComponent("timeline.csv"), encoding: .utf8)
        let rows = timeline.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let column = try #require(rows.first?.firstIndex(of: "dropped"))
        #expect(rows.dropFirst().compactMap { Int($0[column]) }.reduce(0, +) == 2, "the dropped column counts them")
    }

    /// Merging runs of which one was interrupted: the merge was interrupted too, and
    /// does not pass.
    @Test func aMergeWithAnInterruptedRunIsInterrupted() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-verdict-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let whole = try RunFolderFixture(
            base: base.appendingPathComponent("a"), name: "a", runID: "run-a", start: ReportFixtures.start,
            clock: ReportFixtures.clock, records: (0..<4).map { Self.call($0, held: 3) }, slaves: ["sim-1"])
        let cut = try RunFolderFixture(
            base: base.appendingPathComponent("b"), name: "b", runID: "run-b", start: ReportFixtures.start,
            clock: ReportFixtures.clock, records: (0..<4).map { Self.call($0, held: 3) }, slaves: ["sim-2"])
        var stopped = try RunFiles.read(cut.directory)
        stopped.summary.interrupted = true
        stopped.summary.interruption = RunSummary.Interruption(reason: "SIGINT (Ctrl-C)", atSecond: 2)
        stopped.summary.passed = false
        let merged = RunFiles.merge([try RunFiles.read(whole.directory), stopped])
        #expect(merged.summary.interrupted && !merged.summary.passed && merged.summary.verdict == "INTERRUPTED")
        #expect(merged.summary.interruption?.reason == "SIGINT (Ctrl-C)")
        #expect(HTMLReport.render(merged.reportData).contains(">INTERRUPTED</div>"))
    }

    // MARK: The default verdict

    @Test func theDefaultRulesParse() {
        #expect(Threshold.defaults.map(\.text) == Threshold.defaultRules)
        #expect(Threshold.defaultRules == ["asr == 1", "dropped == 0", "lost == 0"])
    }

    /// The issue's case: `nosuchuser@{sip}`, every call rejected, no thresholds.
    @Test func withoutThresholdsAnAllRejectedRunFails() {
        var summary = Self.summary((0..<5).map { Self.call($0, held: nil) })
        summary.judge(by: [])
        #expect(!summary.passed && summary.verdict == "FAIL")
        #expect(summary.defaultThresholds)
        #expect(summary.thresholds.map(\.expression) == Threshold.defaultRules, "written as if they had been")
        #expect(summary.thresholds.first?.message == "asr was 0, expected == 1")
    }

    @Test func withoutThresholdsADroppedCallFails() {
        var summary = Self.summary((0..<8).map { Self.call($0, held: 3) } + [Self.call(8, held: 1)])
        summary.judge(by: [])
        #expect(!summary.passed)
        #expect(summary.thresholds.map(\.passed) == [true, false, true], "asr counts it answered; dropped == 0 fails")
    }

    @Test func withoutThresholdsEveryCallHeldPasses() {
        var summary = Self.summary((0..<8).map { Self.call($0, held: 3) })
        summary.judge(by: [])
        #expect(summary.passed && summary.verdict == "PASS" && summary.thresholds.allSatisfy { $0.passed })
    }

    /// A profile that expects rejections says so; its thresholds alone judge the run.
    @Test func aProfilesThresholdsAloneJudgeIt() throws {
        var summary = Self.summary((0..<5).map { Self.call($0, held: nil) })
        summary.judge(by: [try Threshold("rejected == offered")])
        #expect(summary.passed && !summary.defaultThresholds)
        #expect(summary.thresholds.map(\.expression) == ["rejected == offered"])
    }

    // MARK: An interrupted run

    @Test func anInterruptedRunNeverPassesButItsVerdictsAreKept() throws {
        var summary = Self.summary((0..<8).map { Self.call($0, held: 3) })
        summary.interrupted = true
        summary.judge(by: [try Threshold("asr >= 0.5")])
        #expect(!summary.passed && summary.verdict == "INTERRUPTED")
        #expect(summary.thresholds.map(\.passed) == [true])
    }

    @Test func anOlderInterruptedSummaryThatSaidPassedReadsBackAsNotPassed() throws {
        let json = #"""
            { "name": "old", "run_id": "r", "started_at": "2027-01-15T08:00:00Z", "ended_at": "2027-01-15T08:00:10Z",
              "offered": 30, "interrupted": true, "passed": true }
            """#
        let summary = try RunSummary.read(Data(json.utf8), file: "summary.json")
        #expect(summary.interrupted && !summary.passed)
        #expect(summary.interruption == RunSummary.Interruption(reason: "interrupted", atSecond: nil))
    }

    /// `RunReport.finish` of an interrupted run: every report says so.
    @Test func anInterruptedRunSaysSoInEveryReport() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-verdict-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let report = try RunReport(base: base.path, name: "stopped", start: ReportFixtures.start, clock: ReportFixtures.clock)
        let records = (0..<4).map { Self.call($0, held: 3) }
        for record in records { report.add(record) }
        let result = LoadRun.Result(
            startedAt: ReportFixtures.start, endedAt: ReportFixtures.start.addingTimeInterval(5),
            clockStart: ReportFixtures.clock.monotonicStart, offered: 4, blocked: 0, outcomes: [.answered: 4],
            interrupted: true, slaveEvents: [:], slaveStatus: [:], heartbeats: [:], warnings: [], offeringSeconds: 3.2)
        let plan = RunPlan(
            name: "stopped", runID: "run-stopped",
            slaves: [RunPlan.Slave(name: "sim-1", host: "127.0.0.1", port: 8021, password: "x", call: .init(dest: "echo"))],
            pacer: Pacer(curve: .constant(20), endTime: 60))
        let interruption = RunSummary.Interruption(reason: "SIGINT (Ctrl-C)", atSecond: 3.2)
        let summary = try report.finish(result: result, plan: plan, profile: nil, thresholds: [], interruption: interruption)
        #expect(!summary.passed && summary.interrupted && summary.interruption == interruption)
        #expect(summary.thresholds.allSatisfy { $0.passed }, "the calls themselves met the default rules")

        let folder = report.writtenTo
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("summary.json"))) as? [String: Any])
        #expect(object["passed"] as? Bool == false && object["interrupted"] as? Bool == true)
        let written = try #require(object["interruption"] as? [String: Any])
        #expect(written["reason"] as? String == "SIGINT (Ctrl-C)" && written["at_s"] as? Double == 3.2)
        #expect(object["default_thresholds"] as? Bool == true)

        let junit = try String(contentsOf: folder.appendingPathComponent("junit.xml"), encoding: .utf8)
        #expect(junit.contains(#"<testsuites name="switchy" tests="4" failures="0" errors="1">"#))
        #expect(junit.contains(#"<error message="interrupted by SIGINT (Ctrl-C) at 3.2 s before its planned end" type="interrupted">"#))
        #expect(junit.contains(#"<property name="default_thresholds" value="true"/>"#))

        let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains(#"<div class="verdict interrupted""#) && html.contains(">INTERRUPTED</div>"))
        #expect(!html.contains(">PASS</div>"))
        #expect(html.contains("The run was interrupted (SIGINT (Ctrl-C) at 3.2 s) before its planned end: it did not pass."))
        #expect(html.contains("judged by switchy's default rules"))
    }

    /// The page of an interrupted run with dropped calls, judged by the default rules.
    @Test func interruptedReportMatchesItsGoldenFile() throws {
        var data = ReportFixtures.data(records: Self.mixed, name: "interrupted", runID: "run-1a2b3c4d")
        data.summary.interrupted = true
        data.summary.interruption = RunSummary.Interruption(reason: "SIGTERM", atSecond: 1.25)
        data.summary.judge(by: [])
        data.thresholds = data.summary.thresholds
        let html = HTMLReport.render(data)
        try GoldenFile.check(html, named: "report-interrupted.html")
        #expect(html.contains(#"<div class="label">dropped</div><div class="value">2</div>"#))
        #expect(html.contains("drop rate 20.00% of answered"))
        #expect(html.contains(#"<div class="label">ACD</div><div class="value">2.60 s</div>"#))
    }
}
