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

    /// Every latency chart the README promises is drawn, with "no data" when empty
    /// (a run without ringing has no `pdd_ms`), and the percentile curve is there.
    @Test func everyPromisedChartAppears() {
        var data = Self.full
        data.histograms["pdd_ms"] = LatencyHistogram()
        let html = HTMLReport.render(data)
        for name in HTMLReport.histogramNames { #expect(html.contains("\(name) distribution ("), "\(name)") }
        #expect(html.contains("pdd_ms distribution (0 calls"))
        #expect(html.contains("Latency by percentile"))
    }

    /// Each point and bar says its exact value on hover (an SVG `<title>`).
    @Test func pointsAndBarsCarryTheirExactValues() {
        let html = HTMLReport.render(Self.full)
        let rate = Self.full.timeline[0]
        #expect(html.contains("<title>achieved at 1 s: \(SVGNumber.exact(rate.achievedRate)) calls/s</title>"))
        let answer = Self.full.histograms["answer_ms"]!
        let p50 = Double(answer.value(atPercentile: 50)!) / 1_000
        #expect(html.contains("<title>answer_ms p50: \(SVGNumber.exact(p50)) ms</title>"))
        #expect(html.contains("<title>answered: "), "outcome bars")
    }

    /// The percentile axis counts nines; a line stops where its count stops resolving.
    @Test func percentilesOnANinesAxis() {
        #expect((0...4).map(PercentileChart.percentileLabel) == ["0%", "90%", "99%", "99.9%", "99.99%"])
        var histogram = LatencyHistogram()
        for ms in 1...1_000 { histogram.record(milliseconds: Double(ms)) }
        let points = PercentileChart.points(histogram)
        #expect(points.first?.percentile == 0 && points.last?.percentile == 100)
        #expect(points.map(\.percentile).contains(99.9) && !points.map(\.percentile).contains(99.95), "1,000 calls resolve p99.9")
        #expect(abs(points.last!.ms - 1_000) < 5 && abs(points.last!.nines - 3) < 1e-9)
    }

    /// A histogram whose calls all fall in a narrow cluster (every call held 15 s)
    /// still gets at least two labels on its time axis.
    @Test func aNarrowClusterGetsAxisLabels() {
        var histogram = LatencyHistogram()
        for offset in 0..<50 { histogram.record(milliseconds: 15_000 + Double(offset)) }
        let svg = HistogramChart(title: "hold", histogram: histogram).svg()
        let labels = svg.components(separatedBy: "text-anchor=\"middle\">").dropFirst().filter { $0.hasPrefix("1") }
        #expect(labels.count >= 2, "\(labels)")
    }

    /// The effective profile is collapsed and compact: no blank lines, a slave's `call`
    /// only where it differs, JSON5-like keys.
    @Test func theProfileIsCompactAndCollapsed() {
        let json = """
            {
              "call" : {
                "dest" : "echo@{sip}"
              },
              "name" : "demo",
              "slaves" : [
                {
                  "call" : {
                    "dest" : "echo@{sip}"
                  },
                  "sim" : {}
                },
                {
                  "call" : {
                    "dest" : "park@{sip}"
                  },
                  "sim" : {}
                }
              ]
            }
            """
        #expect(
            CompactJSON5.render(json) == """
                {
                  call: { dest: "echo@{sip}" },
                  name: "demo",
                  slaves: [{ sim: {} }, { call: { dest: "park@{sip}" }, sim: {} }],
                }
                """)
        let html = HTMLReport.render(Self.full)
        #expect(html.contains("<details class=\"profile\"><summary>Effective profile</summary>"))
    }

    /// The per-slave table shows the profile's limits beside the slave's own.
    @Test func theSlaveTableShowsTheProfilesLimits() {
        var data = Self.full
        let name = data.summary.slaves.keys.sorted()[0]
        data.summary.slaves[name]?.limit = 40
        data.summary.slaves[name]?.weight = 2
        data.summary.slaves[name]?.maxSessionsPerSecond = 200
        #expect(HTMLReport.render(data).contains("limit 40 calls, weight 2, sps 200"))
    }
}
