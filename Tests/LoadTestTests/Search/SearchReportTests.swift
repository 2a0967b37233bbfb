import Foundation
@testable import LoadTest
import Testing

/// A search's and an abort's results in the reports: the verdict, `summary.json` read
/// back, `junit.xml` and `report.html`; and a part of a run measured as the run is.
struct SearchReportTests {
    static func step(_ index: Int, _ verdict: SearchSummary.Verdict, rule: String? = nil) -> SearchSummary.Step {
        SearchSummary.Step(
            step: index, rate: Double(10 * (index + 1)), offered: 10, blocked: 0, answered: 10, dropped: 0, stillUp: 0,
            asr: 1, answerP95Ms: 12.5, scheduleLagP99Ms: 1, verdict: verdict, brokenRule: rule,
            message: rule.map { _ in "asr was 0.9, < 0.99" }, judgedAtSecond: Double(index + 2))
    }

    static let search = SearchSummary(
        steps: [step(0, .passed), step(1, .invalid), step(2, .passed), step(3, .failed, rule: "asr < 0.99"), step(4, .unjudged)],
        stopReason: "step 3 (40 calls/s) broke \"asr < 0.99\": asr was 0.9, < 0.99")

    @Test func theAnswerIsTheHighestPassingStep() {
        #expect(Self.search.maxSustainedCps == 30, "the invalid step is not counted")
        #expect(Self.search.brokenRule == "asr < 0.99" && Self.search.passed)
        #expect(!SearchSummary(steps: [Self.step(0, .failed, rule: "asr < 0.99")], stopReason: nil).passed)
    }

    /// A search is not judged by the default rules (its knee breaks them); it passes
    /// when a step held. An abort fails the run (ABORTED), interrupted or not.
    @Test func theVerdictOfASearchAndOfAnAbort() throws {
        var summary = VerdictTests.summary(VerdictTests.mixed)
        summary.search = Self.search
        summary.judge(by: [])
        #expect(summary.passed && !summary.defaultThresholds && summary.thresholds.isEmpty)
        summary.search = SearchSummary(steps: [Self.step(0, .failed, rule: "asr < 0.99")], stopReason: nil)
        summary.judge(by: [])
        #expect(!summary.passed && summary.verdict == "FAIL")
        summary.search = nil
        summary.abort = AbortSummary(rule: "asr > 0.9", atSecond: 3.002, message: "asr was 0.5, expected > 0.9", window: 10)
        summary.judge(by: [try Threshold("offered > 0")])
        #expect(!summary.passed && summary.verdict == "ABORTED")
    }

    @Test func summaryJSONKeepsTheSearchAndTheAbort() throws {
        var summary = VerdictTests.summary(VerdictTests.mixed)
        summary.search = Self.search
        summary.abort = AbortSummary(rule: "asr > 0.9", atSecond: 3.002, message: "asr was 0.5, expected > 0.9", window: 10)
        let data = try ReportJSON.encoder().encode(summary)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let search = try #require(object["search"] as? [String: Any])
        #expect(search["max_sustained_cps"] as? Double == 30 && search["knee_above_max"] as? Bool == false)
        let steps = try #require(search["steps"] as? [[String: Any]])
        #expect(steps[3]["broken_rule"] as? String == "asr < 0.99" && steps[3]["answer_p95_ms"] as? Double == 12.5)
        #expect((object["abort"] as? [String: Any])?["at_s"] as? Double == 3.002)
        let read = try RunSummary.read(data, file: "summary.json")
        #expect(read.search == summary.search && read.abort == summary.abort && !read.passed)
    }

    @Test func junitHasACasePerStepAndOneForTheAbort() {
        let abort = AbortSummary(rule: "asr > 0.9", atSecond: 3, message: "asr was 0.5, expected > 0.9", window: 10)
        let xml = JUnitReport.render(
            name: "n", runID: "r", durationSeconds: 1, verdicts: [], search: Self.search, abort: abort)
        #expect(xml.contains("tests=\"6\" failures=\"2\" errors=\"1\" skipped=\"1\""), "\(xml)")
        #expect(xml.contains("<testcase classname=\"switchy.search\" name=\"step 0: 10 calls/s\"/>"))
        #expect(xml.contains("<failure message=\"asr &lt; 0.99: asr was 0.9, &lt; 0.99\" type=\"search\">"))
        #expect(xml.contains("<error message=\"\" type=\"invalid\">"))
        #expect(xml.contains("<testcase classname=\"switchy.run\" name=\"aborted\">"))
        #expect(xml.contains("aborted: threshold &quot;asr &gt; 0.9&quot; failed at 3 s (asr was 0.5, expected &gt; 0.9, over the calls sent in the last 10 s)"))
    }

    @Test func reportHTMLHasTheSearchSection() {
        var summary = VerdictTests.summary(VerdictTests.mixed)
        #expect(HTMLReport.searchSection(summary).isEmpty, "no search, no section")
        summary.search = Self.search
        let html = HTMLReport.searchSection(summary)
        #expect(html.contains("<h2>Capacity search</h2>") && html.contains("Highest rate that held: 30.00 calls/s."))
        #expect(html.contains("First rule broken: asr &lt; 0.99."))
        #expect(html.components(separatedBy: "<svg").count == 4, "ASR, answer p95, dropped")
        #expect(html.components(separatedBy: "<tr>").count == 7, "a header and a row per step")
    }

    /// A part's metrics are the run's definitions over its records: ASR counts the
    /// calls offered in it, ended or not.
    @Test func aPartIsMeasuredAsTheRunIs() {
        let metrics = RunMetrics()
        for record in VerdictTests.mixed { metrics.add(record) }
        let whole = MetricSource(summary: VerdictTests.summary(VerdictTests.mixed))
        let part = MetricSource(part: metrics.snapshot, offered: 12, seconds: 2, targetRate: 6)
        for name in ["asr", "drop_rate", "acd_s", "answered", "dropped", "answer_ms.p95", "schedule_lag_ms.p99"] {
            #expect(part.value(name) == whole.value(name), "\(name)")
        }
        let stillUp = MetricSource(part: metrics.snapshot, offered: 15, seconds: 2, targetRate: 6)
        #expect(stillUp.value("asr") == 10.0 / 15 && stillUp.value("achieved_rate") == 7.5)
    }
}
