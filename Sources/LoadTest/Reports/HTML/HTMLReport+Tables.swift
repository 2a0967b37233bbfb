/// The table sections of `report.html`.
extension HTMLReport {
    /// A `<table>` in a scrolling wrapper; cells are escaped here. Columns whose index
    /// is in `textColumns` are left-aligned and may wrap.
    static func table(_ header: [String], _ rows: [[String]], textColumns: Set<Int> = [0]) -> String {
        func cells(_ values: [String], tag: String) -> String {
            values.enumerated().map { index, value in
                let css = textColumns.contains(index) ? " class=\"text\"" : ""
                return "<\(tag)\(css)>\(HTMLPage.escape(value))</\(tag)>"
            }.joined()
        }
        let head = "<tr>\(cells(header, tag: "th"))</tr>"
        let body = rows.map { "<tr>\(cells($0, tag: "td"))</tr>" }.joined(separator: "\n")
        return "<div class=\"table-wrap\"><table>\n<thead>\(head)</thead>\n<tbody>\n\(body)\n</tbody>\n</table></div>\n"
    }

    static func latencyTable(_ data: ReportData) -> String {
        let known = RunMetrics.latencyNames.filter { data.summary.latencyMs[$0] != nil }
        let others = data.summary.latencyMs.keys.filter { !RunMetrics.latencyNames.contains($0) }.sorted()
        let rows = (known + others).compactMap { name -> [String]? in
            guard let p = data.summary.latencyMs[name] else { return nil }
            let values = [p.min, p.p1, p.p5, p.p10, p.p50, p.p90, p.p95, p.p99, p.p99_9, p.max, p.mean, p.stddev]
            return [name, "\(p.count)"] + values.map { $0.map { fixed($0, 1) } ?? "–" }
        }
        guard !rows.isEmpty else { return "<p class=\"note\">No latency was measured (no call got that far).</p>\n" }
        return "<h3>Latency percentiles, ms</h3>\n"
            + table(["latency", "count", "min", "p1", "p5", "p10", "p50", "p90", "p95", "p99", "p99.9", "max", "mean", "stddev"], rows)
            + "<p class=\"note\">Without server_: this generator's monotonic clock, from when the call was sent "
            + "(setup_ms_from_schedule: from when it was due). server_*: FreeSWITCH's own timestamps, in 20 ms steps by default.</p>\n"
    }

    static func slaveTable(_ summary: RunSummary) -> String {
        let outcomes = CallRecord.Outcome.allCases.map(\.rawValue)
        let rows = summary.slaves.keys.sorted().map { name -> [String] in
            let slave = summary.slaves[name]!
            let offered = slave.outcomes.values.reduce(0, +)
            let answered = (slave.outcomes["answered"] ?? 0) + (slave.outcomes["dropped"] ?? 0)
            let asr = RunSummary.answerSeizureRatio(answered: answered, offered: offered).map { fixed($0 * 100, 1) + " %" } ?? "–"
            let downs = slave.events.filter { !$0.up }.count
            let events = slave.events.map { "\($0.up ? "up" : "down") at \(fixed($0.atSecond, 1)) s\($0.note.isEmpty ? "" : " (\($0.note))")" }
            // The profile's own (limit, weight), then the slave's (sessions-per-second, max-sessions).
            let limits = [
                slave.limit.map { "limit \($0) calls" }, slave.weight.flatMap { $0 == 1 ? nil : "weight \($0)" },
                slave.maxSessionsPerSecond.map { "sps \($0)" }, slave.maxSessions.map { "max \($0) sessions" },
            ].compactMap { $0 }.joined(separator: ", ")
            let heartbeat = [
                slave.heartbeatSessionCount.map { "\($0) sessions" }, slave.heartbeatIdleCPU.map { "idle \(fixed($0, 1)) %" },
            ].compactMap { $0 }.joined(separator: ", ")
            return [name, "\(offered)"] + outcomes.map { "\(slave.outcomes[$0] ?? 0)" }
                + [asr, "\(downs)", events.isEmpty ? "–" : events.joined(separator: "; "), limits.isEmpty ? "–" : limits,
                   heartbeat.isEmpty ? "–" : heartbeat]
        }
        let header = ["slave", "offered"] + outcomes + ["ASR", "downs", "up/down events", "limits", "last heartbeat"]
        // The slave's name, and its events, limits and heartbeat after the counts.
        let textColumns: Set<Int> = [0, outcomes.count + 4, outcomes.count + 5, outcomes.count + 6]
        let content = rows.isEmpty ? "<p class=\"empty\">No slaves.</p>\n" : table(header, rows, textColumns: textColumns)
        return "<section>\n<h2>Slaves</h2>\n\(content)</section>\n"
    }

    static func appTable(_ summary: RunSummary) -> String {
        guard !summary.apps.isEmpty else { return "" }
        let outcomes = CallRecord.Outcome.allCases.map(\.rawValue)
        let rows = summary.apps.keys.sorted().map { name -> [String] in
            let counts = summary.apps[name]!
            return [name, "\(counts.values.reduce(0, +))"] + outcomes.map { "\(counts[$0] ?? 0)" }
        }
        return "<section>\n<h2>Apps</h2>\n" + table(["app", "offered"] + outcomes, rows) + "</section>\n"
    }

    /// The verdict of each threshold; `defaults`: they are ``Threshold/defaults``, the
    /// profile having none, and a note says so.
    static func thresholdTable(_ thresholds: [ThresholdVerdict], defaults: Bool) -> String {
        guard !thresholds.isEmpty else {
            return "<section>\n<h2>Thresholds</h2>\n<p class=\"note\">The run had no thresholds.</p>\n</section>\n"
        }
        let note = defaults
            ? "<p class=\"note\">The profile has no thresholds: the run was judged by switchy's default rules "
                + "(SIPp's): every offered call answered, none dropped, none lost.</p>\n"
            : ""
        var rows = ""
        for verdict in thresholds {
            let badge = verdict.passed ? "<span class=\"badge pass\">pass</span>" : "<span class=\"badge fail\">FAIL</span>"
            let measured = verdict.measured.map { fixed($0, 3) } ?? "no data"
            rows += "<tr><td class=\"text\"><code>\(HTMLPage.escape(verdict.expression))</code></td><td>\(badge)</td>"
                + "<td>\(HTMLPage.escape(measured))</td><td class=\"text\">\(HTMLPage.escape(verdict.message))</td></tr>\n"
        }
        return """
            <section>
            <h2>Thresholds</h2>
            <div class="table-wrap"><table>
            <thead><tr><th class="text">threshold</th><th>verdict</th><th>measured</th><th class="text">detail</th></tr></thead>
            <tbody>
            \(rows)</tbody>
            </table></div>
            \(note)</section>

            """
    }
}
