import Foundation
@testable import LoadTest
import Testing

/// `report.html` from hand-built report data: golden files pin the page; the checks
/// below say what must hold whatever the layout (escaping, no NaN, nothing fetched).
@Suite struct HTMLReportTests {
    /// A run with everything: answered, busy, failed and lost calls on two slaves, a slave
    /// going down, blocked calls, warnings, a failed and a passed threshold — and text
    /// that must be escaped everywhere it can appear.
    static var full: ReportData {
        ReportFixtures.data(
            records: ReportFixtures.records(count: 60), name: "lab <b>&\"night\"</b>", runID: "run-0a1b2c3d", blocked: 4,
            thresholds: [
                ThresholdVerdict(expression: "asr >= 0.8", passed: true, measured: 0.85, message: "asr was 0.85, expected >= 0.8"),
                ThresholdVerdict(
                    expression: "answer_ms.p99 < 300", passed: false, measured: 398.4,
                    message: "answer_ms.p99 was 398.4, expected < 300"),
                ThresholdVerdict(expression: "pdd_ms.p95 < 100", passed: true, measured: nil, message: "no data"),
            ],
            warnings: ["sim-1: rate <over> its sps & limit"],
            profileJSON: "{\n  \"call\" : { \"dest\" : \"<script>alert('x')</script>@{sip}\" },\n  \"name\" : \"night\"\n}")
    }

    /// A run that made no call at all (and had no timeline row).
    static var empty: ReportData {
        var data = ReportFixtures.data(records: [], name: "empty", runID: "run-00000000")
        data.timeline = []
        data.summary.slaves = [:]
        return data
    }

    @Test func fullReportMatchesItsGoldenFile() throws {
        try GoldenFile.check(HTMLReport.render(Self.full), named: "report-full.html")
    }

    @Test func emptyReportMatchesItsGoldenFile() throws {
        try GoldenFile.check(HTMLReport.render(Self.empty), named: "report-empty.html")
    }

    @Test(arguments: ["full", "empty", "one second"])
    func everySVGNumberIsFinite(_ which: String) {
        let data: ReportData
        switch which {
        case "full": data = Self.full
        case "empty": data = Self.empty
        default: data = ReportFixtures.data(records: ReportFixtures.records(count: 1), name: "one", runID: "run-1")
        }
        let html = HTMLReport.render(data)
        #expect(SVGAttributes.bad(in: html).isEmpty, "\(SVGAttributes.bad(in: html))")
        #expect(html.components(separatedBy: "<svg").count - 1 >= 6, "every chart is drawn, even without data")
        #expect(!html.lowercased().contains(">nan<"))
    }

    @Test func everyTextIsEscaped() {
        let html = HTMLReport.render(Self.full)
        #expect(!html.contains("<script"), "the profile's <script> is text, not a tag")
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(html.contains("lab &lt;b&gt;&amp;&quot;night&quot;&lt;/b&gt;"))
        #expect(html.contains("rate &lt;over&gt; its sps &amp; limit"))
        #expect(html.contains("answer_ms.p99 &lt; 300"))
        #expect(html.contains("connection reset &lt;EOF&gt;"))
        #expect(!html.contains("<b>"))
    }

    @Test func thePageFetchesNothing() {
        let html = HTMLReport.render(Self.full)
        for forbidden in ["<script", "src=", "href=", "url(", "@import", "<link", "<iframe", "<img"] {
            #expect(!html.contains(forbidden), "\(forbidden)")
        }
        let links = html.components(separatedBy: "http").count - 1
        let namespaces = html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1
        #expect(links == namespaces, "the only URL is the SVG namespace")
    }

    @Test func verdictFollowsTheThresholds() {
        let pass = ThresholdVerdict(expression: "lost == 0", passed: true, measured: 0, message: "")
        let fail = ThresholdVerdict(expression: "failed == 0", passed: false, measured: 3, message: "failed was 3")
        #expect(HTMLReport.verdict([pass]) == true)
        #expect(HTMLReport.verdict([pass, fail]) == false)
        #expect(HTMLReport.verdict([]) == nil)
        var data = Self.empty
        data.thresholds = [pass]
        #expect(HTMLReport.render(data).contains(#"<div class="verdict pass""#))
        data.thresholds = [pass, fail]
        #expect(HTMLReport.render(data).contains(#"<div class="verdict fail""#))
        #expect(HTMLReport.render(Self.empty).contains("NO THRESHOLDS"))
    }

    @Test func emptyRunSaysSoInsteadOfDrawingNothing() {
        let html = HTMLReport.render(Self.empty)
        #expect(html.contains("no data"))
        #expect(html.contains("No latency was measured"))
        #expect(html.contains("No slaves."))
    }
}
