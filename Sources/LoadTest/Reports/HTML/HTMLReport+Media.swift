/// The media section of `report.html`: how the calls that received RTP sounded, and
/// how many answered calls that expected media received none.
extension HTMLReport {
    /// MOS bands of ITU-T G.107 (E-model): the MOS that R = 90, 80, 70, 60 and 50 give,
    /// with what users make of a call in each band. Highest first.
    static let mosBands: [(low: Double, label: String)] = [
        (4.34, "4.34–4.50 very satisfied"), (4.03, "4.03–4.34 satisfied"), (3.60, "3.60–4.03 some dissatisfied"),
        (3.10, "3.10–3.60 many dissatisfied"), (2.58, "2.58–3.10 nearly all dissatisfied"), (0, "< 2.58 not recommended"),
    ]

    /// Calls per MOS band (``mosBands``), each histogram bucket counted at its
    /// midpoint (within 0.4 %, as every percentile).
    static func mosBandCounts(_ histogram: LatencyHistogram) -> [Int] {
        var counts = Array(repeating: 0, count: mosBands.count)
        for bucket in histogram.buckets {
            let mos = Double(bucket.low + (bucket.high - bucket.low) / 2) / 1_000
            let band = mosBands.firstIndex { mos >= $0.low } ?? mosBands.count - 1
            counts[band] += Int(bucket.count)
        }
        return counts
    }

    /// Empty when no call expected or received media.
    static func mediaSection(_ data: ReportData) -> String {
        let summary = data.summary
        guard !summary.quality.isEmpty || summary.noMedia > 0 else { return "" }
        var cards = ""
        if let histogram = data.histograms["mos"], histogram.count > 0 {
            let counts = mosBandCounts(histogram)
            let colors = [
                HTMLPage.Color.p50, HTMLPage.Color.p50, HTMLPage.Color.p95, HTMLPage.Color.p95, HTMLPage.Color.p99,
                HTMLPage.Color.p99,
            ]
            let bars = mosBands.indices.map { BarChart.Bar(label: mosBands[$0].label, value: counts[$0], color: colors[$0]) }
            cards += card(
                BarChart(title: "MOS distribution (\(histogram.count) calls that received RTP)", bars: bars).svg(),
                note: "FreeSWITCH's rtp_audio_in_mos of the originating leg, in the bands of ITU-T G.107.")
        }
        let rows = RunMetrics.qualityNames.compactMap { name -> [String]? in
            guard let p = summary.quality[name] else { return nil }
            let digits = name == "mos" ? 2 : 3
            let values = [p.min, p.p1, p.p5, p.p10, p.p50, p.p90, p.p95, p.p99, p.max, p.mean]
            return [name, "\(p.count)"] + values.map { $0.map { fixed($0, digits) } ?? "–" }
        }
        let table =
            rows.isEmpty
            ? "<p class=\"note\">No call received RTP.</p>\n"
            : table(["figure", "count", "min", "p1", "p5", "p10", "p50", "p90", "p95", "p99", "max", "mean"], rows)
        return """
            <section>
            <h2>Media</h2>
            <p>\(summary.noMedia) answered call(s) that expected media received no RTP at all (no_media).</p>
            <div class="grid">
            \(cards)</div>
            \(table)<p class="note">mos: FreeSWITCH's, only for calls that received packets (it reports 4.50 for none). \
            rtp_loss_pct: flaws / (packets + flaws) × 100. jitter_ms: √(jitter_max_variance). README, "Media".</p>
            </section>

            """
    }
}
