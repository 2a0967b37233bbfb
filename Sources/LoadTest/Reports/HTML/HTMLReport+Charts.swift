/// The chart sections of `report.html`.
extension HTMLReport {
    /// Latencies drawn as histograms, each always ("no data" when it has none: a run
    /// whose destinations never ring has no `pdd_ms`), and together by percentile.
    static let histogramNames = ["answer_ms", "setup_ms_from_schedule", "pdd_ms", "server_answer_ms"]
    static let percentileColors = [HTMLPage.Color.p50, HTMLPage.Color.p95, HTMLPage.Color.p99, HTMLPage.Color.bar]

    static func loadCharts(_ data: ReportData) -> String {
        let rows = data.timeline
        var rateSeries: [LineChart.Series] = [
            .init(name: "target", color: HTMLPage.Color.target, points: rows.map { (Double($0.second), $0.targetRate) }, dashed: true),
            .init(name: "achieved", color: HTMLPage.Color.achieved, points: rows.map { (Double($0.second), $0.achievedRate) }),
        ]
        if rows.contains(where: { $0.blocked > 0 }) {
            rateSeries.append(
                .init(name: "blocked", color: HTMLPage.Color.p99, points: rows.map { (Double($0.second), Double($0.blocked)) }))
        }
        let rate = LineChart(title: "Call rate: target vs achieved", yUnit: "calls/s", xUnit: "s", series: rateSeries)
        var activeSeries: [LineChart.Series] = [
            .init(name: "active", color: HTMLPage.Color.active, points: rows.map { (Double($0.second), Double($0.active)) }),
            .init(name: "answered/s", color: HTMLPage.Color.p50, points: rows.map { (Double($0.second), Double($0.answered)) }),
            .init(name: "not answered/s", color: HTMLPage.Color.p99, points: rows.map { (Double($0.second), Double($0.failed)) }),
        ]
        if rows.contains(where: { $0.dropped > 0 }) {
            activeSeries.append(
                .init(
                    name: "dropped/s", color: HTMLPage.Color.outcome("dropped"),
                    points: rows.map { (Double($0.second), Double($0.dropped)) }))
        }
        let active = LineChart(title: "Active calls (end of each second)", yUnit: "calls", xUnit: "s", series: activeSeries)
        return """
            <section>
            <h2>Load over time</h2>
            <div class="grid">
            \(card(rate.svg(), note: "Seconds since the start of the run; blocked = calls due while the concurrency limit was reached."))\
            \(card(active.svg(), note: "Calls in flight (Erlangs), answers per second (when they happened), and calls ending not answered (or dropped) per second."))\
            </div>
            </section>

            """
    }

    static func latencySection(_ data: ReportData) -> String {
        let rows = data.timeline
        func series(_ name: String, _ color: String, _ value: (TimelineRow) -> Double?) -> LineChart.Series {
            .init(name: name, color: color, points: rows.map { (Double($0.second), value($0)) })
        }
        let overTime = LineChart(
            title: "Answer latency over time (answer_ms of the calls sent each second)", yUnit: "ms", xUnit: "s",
            series: [
                series("p50", HTMLPage.Color.p50, \.answerP50), series("p95", HTMLPage.Color.p95, \.answerP95),
                series("p99", HTMLPage.Color.p99, \.answerP99),
            ])
        var cards = card(overTime.svg(), note: "Gaps are seconds in which no call that was sent got answered.")
        let byPercentile = PercentileChart(
            title: "Latency by percentile",
            lines: zip(histogramNames, percentileColors).map { ($0, $1, data.histograms[$0] ?? LatencyHistogram()) })
        cards += card(
            byPercentile.svg(),
            note: "Each latency at every percentile its calls resolve, the tail spread out: 90%, 99%, 99.9% … are "
                + "equally far apart; the last point of a line is its maximum.")
        for name in histogramNames {
            let histogram = data.histograms[name] ?? LatencyHistogram()
            let chart = HistogramChart(title: "\(name) distribution (\(histogram.count) calls, log scale)", histogram: histogram)
            cards += card(chart.svg())
        }
        return """
            <section>
            <h2>Latency</h2>
            <div class="grid">
            \(cards)</div>
            \(latencyTable(data))
            </section>

            """
    }

    static func outcomeCharts(_ summary: RunSummary) -> String {
        let outcomeBars = CallRecord.Outcome.allCases.map { outcome in
            BarChart.Bar(label: outcome.rawValue, value: summary.outcomes[outcome.rawValue] ?? 0, color: HTMLPage.Color.outcome(outcome.rawValue))
        }
        let causeBars = sortedCounts(summary.hangupCauses).map {
            BarChart.Bar(label: $0.key, value: $0.value, color: $0.key == "NORMAL_CLEARING" || $0.key == "ALLOTTED_TIMEOUT" ? HTMLPage.Color.p50 : HTMLPage.Color.bar)
        }
        let sipBars = sortedCounts(summary.sipStatuses).map {
            BarChart.Bar(label: "SIP " + $0.key, value: $0.value, color: $0.key.hasPrefix("2") ? HTMLPage.Color.p50 : HTMLPage.Color.bar)
        }
        var cards = card(BarChart(title: "Outcomes", bars: outcomeBars).svg())
        cards += card(BarChart(title: "Hangup causes", bars: causeBars).svg())
        if !sipBars.isEmpty { cards += card(BarChart(title: "Final SIP statuses", bars: sipBars).svg()) }
        return "<section>\n<h2>Outcomes</h2>\n<div class=\"grid\">\n\(cards)</div>\n</section>\n"
    }

    /// Largest first, then by name, so equal counts keep a stable order.
    static func sortedCounts(_ counts: [String: Int]) -> [(key: String, value: Int)] {
        counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
    }
}
