/// The capacity search section of `report.html`: per step (x = the step's rate), its
/// ASR, answer p95, dropped calls and the slaves' lowest idle CPU, then a table of the
/// steps and their verdicts.
extension HTMLReport {
    static func searchSection(_ summary: RunSummary) -> String {
        guard let search = summary.search, !search.steps.isEmpty else { return "" }
        let steps = search.steps
        func series(_ name: String, _ color: String, _ value: (SearchSummary.Step) -> Double?) -> LineChart.Series {
            .init(name: name, color: color, points: steps.map { ($0.rate, value($0)) })
        }
        let asr = LineChart(
            title: "ASR per step", yUnit: "%", xUnit: "calls/s",
            series: [series("asr", HTMLPage.Color.p50) { $0.asr.map { $0 * 100 } }])
        let answer = LineChart(
            title: "Answer latency p95 per step", yUnit: "ms", xUnit: "calls/s",
            series: [series("answer p95", HTMLPage.Color.p95, \.answerP95Ms)])
        let dropped = LineChart(
            title: "Dropped calls per step", yUnit: "calls", xUnit: "calls/s",
            series: [series("dropped", HTMLPage.Color.outcome("dropped")) { Double($0.dropped) }])
        var cards = card(asr.svg()) + card(answer.svg()) + card(dropped.svg())
        if steps.contains(where: { $0.slaveIdleCPUMin != nil }) {
            let idle = LineChart(
                title: "Slaves' lowest idle CPU per step", yUnit: "%", xUnit: "calls/s",
                series: [series("min idle CPU", HTMLPage.Color.active, \.slaveIdleCPUMin)])
            cards += card(idle.svg(), note: "The lowest idle CPU any slave reported (api status) during the step.")
        }
        return """
            <section>
            <h2>Capacity search</h2>
            <p class="note">\(HTMLPage.escape(answerText(search)))</p>
            <div class="grid">
            \(cards)</div>
            \(stepTable(steps))</section>

            """
    }

    /// The search's answer in a sentence.
    static func answerText(_ search: SearchSummary) -> String {
        var text: String
        switch (search.maxSustainedCps, search.kneeAboveMax) {
        case (let rate?, true): text = "Every step up to max passed (\(fixed(rate, 2)) calls/s): the knee is above max."
        case (let rate?, false): text = "Highest rate that held: \(fixed(rate, 2)) calls/s."
        case (nil, _): text = "No step held."
        }
        if let rule = search.brokenRule { text += " First rule broken: \(rule)." }
        if let reason = search.stopReason { text += " Offering stopped: \(reason)." }
        return text
    }

    static func stepTable(_ steps: [SearchSummary.Step]) -> String {
        let rows = steps.map { step -> [String] in
            [
                "\(step.step)", fixed(step.rate, 2), "\(step.offered)", "\(step.answered)",
                step.asr.map { fixed($0 * 100, 2) + "%" } ?? "–", step.answerP95Ms.map { fixed($0, 1) } ?? "–",
                "\(step.dropped)", "\(step.stillUp)", step.scheduleLagP99Ms.map { fixed($0, 1) } ?? "–",
                step.slaveIdleCPUMin.map { fixed($0, 1) } ?? "–",
                step.verdict.rawValue, (step.brokenRule.map { "\($0): " } ?? "") + (step.message ?? ""),
            ]
        }
        return table(
            [
                "step", "rate", "offered", "answered", "asr", "answer p95 ms", "dropped", "still up", "lag p99 ms",
                "min idle CPU %", "verdict", "why",
            ],
            rows, textColumns: [10, 11])
    }
}
