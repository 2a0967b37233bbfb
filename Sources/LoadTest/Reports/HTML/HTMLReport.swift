import Foundation

/// Renders `report.html`: one self-contained page (inline CSS and SVG, no scripts,
/// nothing fetched) that a person reads after a run — the verdict, the key figures,
/// rate / active-call / slave health / latency charts, media quality, outcome and cause bars, the per-slave and
/// threshold tables, and the effective profile.
///
/// The output depends only on `data` (no clock, no locale, no randomness), so golden
/// files can pin it. Every text from the run (names, causes, slave names, profile) is
/// escaped; every number in the SVG is finite.
public enum HTMLReport {
    /// The whole page.
    public static func render(_ data: ReportData) -> String {
        let summary = data.summary
        var body = "<main>\n"
        body += header(data)
        body += notices(summary)
        body += figures(data)
        body += searchSection(summary)
        body += loadCharts(data)
        body += healthCharts(data)
        body += latencySection(data)
        body += mediaSection(data)
        body += outcomeCharts(summary)
        body += slaveTable(summary)
        body += appTable(summary)
        body += thresholdTable(data.thresholds, defaults: summary.defaultThresholds)
        body += profileSection(data.profileJSON)
        body += footer(summary)
        body += "</main>"
        return HTMLPage.document(title: "switchy — \(summary.name) (\(summary.runID))", body: body)
    }

    /// PASS when every threshold passed, FAIL when one failed; nil without thresholds.
    public static func verdict(_ thresholds: [ThresholdVerdict]) -> Bool? {
        thresholds.isEmpty ? nil : thresholds.allSatisfy(\.passed)
    }

    // MARK: Header and figures

    static func header(_ data: ReportData) -> String {
        let summary = data.summary
        let verdict: String
        switch (summary.interrupted, Self.verdict(data.thresholds)) {
        case (false, _) where summary.abort != nil:
            let title = HTMLPage.escape("aborted: threshold \(summary.abort?.description ?? "")")
            verdict = "<div class=\"verdict fail\" title=\"\(title)\">ABORTED</div>"
        case (true, _):
            let by = summary.interruption.map { " by \($0)" } ?? ""
            let title = HTMLPage.escape("interrupted\(by): the run did not pass")
            verdict = "<div class=\"verdict interrupted\" title=\"\(title)\">INTERRUPTED</div>"
        case (false, true?): verdict = #"<div class="verdict pass" title="every threshold passed">PASS</div>"#
        case (false, false?): verdict = #"<div class="verdict fail" title="a threshold failed">FAIL</div>"#
        case (false, nil): verdict = #"<div class="verdict none" title="the run had no thresholds">NO THRESHOLDS</div>"#
        }
        let rows: [(String, String)] =
            [("run", summary.runID)] + (summary.segment.map { [("segment", "\($0)")] } ?? [])
            + (summary.runGroup.map { [("run group", $0)] } ?? []) + [
            ("started", timestamp(summary.startedAt)),
            ("ended", timestamp(summary.endedAt)),
            ("duration", "\(fixed(summary.durationSeconds, 1)) s (offering \(fixed(summary.offeringSeconds, 1)) s)"),
        ]
        let list = rows.map { "<dt>\(HTMLPage.escape($0.0))</dt><dd>\(HTMLPage.escape($0.1))</dd>" }.joined()
        return """
            <header class="run">
            <h1>\(HTMLPage.escape(summary.name))</h1>
            <dl>\(list)</dl>
            \(verdict)
            </header>
            \(mergeNote(data.mergedFrom))
            """
    }

    /// For a merge: that it is one, and its runs.
    static func mergeNote(_ runs: [ReportData.MergedRun]) -> String {
        guard !runs.isEmpty else { return "" }
        let items = runs.map { run in
            "<li>\(HTMLPage.escape(run.runID)) — \(HTMLPage.escape(run.name)), started \(HTMLPage.escape(run.startedAt)), "
                + "\(run.offered) calls offered<br><small>\(HTMLPage.escape(run.folder))</small></li>"
        }.joined()
        return "<section class=\"merge\"><p>Merged from \(runs.count) runs; the thresholds are judged again over "
            + "the merged figures.</p><ul>\(items)</ul></section>\n"
    }

    static func notices(_ summary: RunSummary) -> String {
        var items = summary.warnings
        if summary.interrupted {
            let by = summary.interruption.map { " (\($0))" } ?? ""
            items.insert("The run was interrupted\(by) before its planned end: it did not pass.", at: 0)
        }
        guard !items.isEmpty else { return "" }
        let list = items.map { "<li>\(HTMLPage.escape($0))</li>" }.joined(separator: "\n")
        return "<section>\n<ul class=\"warnings\">\n\(list)\n</ul>\n</section>\n"
    }

    static func figures(_ data: ReportData) -> String {
        let s = data.summary
        let answer = data.histograms["answer_ms"]
        let p99 = answer?.value(atPercentile: 99).map { SVGNumber.milliseconds(Double($0) / 1_000) } ?? "–"
        let p50 = answer?.value(atPercentile: 50).map { "p50 " + SVGNumber.milliseconds(Double($0) / 1_000) } ?? "no answered calls"
        let rateShare = s.targetRate > 0 ? "\(fixed(s.achievedRate / s.targetRate * 100, 1)) % of target" : "no target"
        let dropRate = s.dropRate.map { "drop rate \(fixed($0 * 100, 2))% of answered" } ?? "none answered"
        let cells: [(label: String, value: String, sub: String, bad: Bool)] = [
            ("offered", "\(s.offered)", "calls made", false),
            ("answered", "\(s.answered)", "held as planned · \(s.offered - s.answered - s.dropped) not answered", false),
            ("ASR", s.asr.map { "\(fixed($0 * 100, 2))%" } ?? "–", "answered (dropped included) / offered", false),
            ("dropped", "\(s.dropped)", dropRate, s.dropped > 0),
            ("ACD", s.acdSeconds.map { "\(fixed($0, 2)) s" } ?? "–", "mean hold of answered calls", false),
            ("failed", "\(s.failed)", "could not be placed", s.failed > 0),
            ("blocked", "\(s.blocked)", "due at the limit, not made", s.blocked > 0),
            ("lost", "\(s.lost)", "end never seen", s.lost > 0),
            ("achieved rate", "\(fixed(s.achievedRate, 2))/s", "target \(fixed(s.targetRate, 2))/s · \(rateShare)", false),
            ("answer p99", p99, p50, false),
        ]
        let html = cells.map { cell in
            """
            <div class="figure\(cell.bad ? " bad" : "")"><div class="label">\(HTMLPage.escape(cell.label))</div>\
            <div class="value">\(HTMLPage.escape(cell.value))</div><div class="sub">\(HTMLPage.escape(cell.sub))</div></div>
            """
        }.joined(separator: "\n")
        return "<section>\n<h2>Key figures</h2>\n<div class=\"figures\">\n\(html)\n</div>\n</section>\n"
    }

    /// The effective profile, collapsed (it is reference, not result) and compact.
    static func profileSection(_ json: String) -> String {
        let text = json.isEmpty ? "(not recorded)" : CompactJSON5.render(json)
        return "<section>\n<details class=\"profile\"><summary>Effective profile</summary>\n"
            + "<pre class=\"profile\">\(HTMLPage.escape(text))</pre>\n</details>\n</section>\n"
    }

    static func footer(_ summary: RunSummary) -> String {
        let notes = summary.notes.map { "<br>" + HTMLPage.escape($0) }.joined()
        return "<footer>Written by switchy. summary.json schema \(summary.schema).\(notes)</footer>\n"
    }

    // MARK: Formatting

    /// `value` with `digits` decimals (POSIX formatting); `–` when not finite.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : "–"
    }

    /// UTC, ISO 8601, to the second.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// A card holding a chart, a title-less heading being part of the SVG.
    static func card(_ content: String, note: String? = nil) -> String {
        let noteHTML = note.map { "<p class=\"note\">\(HTMLPage.escape($0))</p>\n" } ?? ""
        return "<div class=\"card\">\n\(content)\(noteHTML)</div>\n"
    }
}
