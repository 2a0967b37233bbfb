public import Foundation

/// One run's report files read back — `summary.json`, `calls.csv` and `timeline.csv` —
/// or several runs merged (``merge(_:)``), ready to render (``reportData``) or write
/// again (``write(to:)``). What `switchy report` is built on.
///
/// Per-call figures are recomputed from `calls.csv` (outcomes, causes, per slave and
/// app, latency histograms rebuilt exactly from the `*_ms` columns); run-level ones
/// (start/end, offered, blocked, slaves' limits and events) come from `summary.json`.
/// Keys of `summary.json` this version does not know (the profile, threshold results
/// …) are kept verbatim and written back.
public struct RunFiles: Sendable {
    /// The folders read: one, or each merged run's.
    public var sources: [URL]
    public var summary: RunSummary
    /// The calls, their local times as monotonic ns on ``clock``.
    public var records: [CallRecord]
    /// The calls' times as the timeline buckets them (unix µs).
    var timelineCalls: [Timeline.Call]
    /// Unix µs of second 0 of ``timeline``: when offering began (the summary's
    /// `timeline_start_us`; `started_at` for a run written before it was kept).
    var timelineStart: Int64
    /// Maps ``records``' times to wall-clock time: monotonic 0 is the run's `started_at`.
    public var clock: WallClockMapping
    /// The latency histograms by `calls.csv` column name, rebuilt from the columns.
    public var histograms: [String: LatencyHistogram]
    /// One row per second; the calls' own figures (offered, answered, calls up, answer
    /// latency) recomputed from `calls.csv` the way the run computed them.
    public var timeline: [TimelineRow]
    /// Threshold results found in `summary.json` (`thresholds`: expression, passed,
    /// measured, message), if any.
    public var thresholds: [ThresholdVerdict]
    /// `calls.csv`'s header and rows as read, written back unchanged.
    var callsHeader: [String]
    var callRows: [[String]]
    /// `summary.json` keys outside ``RunSummary`` (`profile`, …), as JSON.
    var extraJSON: Data

    /// The renderers' input. The profile is shown as pretty JSON (each run's, after a merge).
    public var reportData: ReportData {
        ReportData(
            summary: summary, timeline: timeline, histograms: histograms, thresholds: thresholds, profileJSON: profileText,
            mergedFrom: mergedFrom)
    }

    /// The runs a merged run was made of (`merged_from` in `summary.json`), none for a run.
    var mergedFrom: [ReportData.MergedRun] {
        let extra = (try? JSONSerialization.jsonObject(with: extraJSON)) as? [String: Any] ?? [:]
        let sources = extra["merged_from"] as? [[String: Any]] ?? []
        return sources.map { source in
            ReportData.MergedRun(
                runID: source["run_id"] as? String ?? "", name: source["name"] as? String ?? "",
                startedAt: source["started_at"] as? String ?? "", offered: source["offered"] as? Int ?? 0,
                folder: source["folder"] as? String ?? "")
        }
    }

    /// Reads a run folder.
    /// - Throws: ``ReportError`` naming the folder or the file that is missing or
    ///   malformed, and what is wrong with it (line and column for CSV).
    public static func read(_ folder: URL) throws(ReportError) -> RunFiles {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReportError(path: folder.path, reason: "no such run folder")
        }
        let summaryURL = folder.appendingPathComponent("summary.json")
        guard let data = try? Data(contentsOf: summaryURL) else {
            let exists = FileManager.default.fileExists(atPath: summaryURL.path)
            throw ReportError(path: summaryURL.path, reason: exists ? "not valid JSON" : "missing (is this a run folder?)")
        }
        guard let parsed = try? JSONSerialization.jsonObject(with: data) else {
            throw ReportError(path: summaryURL.path, reason: "not valid JSON")
        }
        guard let object = parsed as? [String: Any] else { throw ReportError(path: summaryURL.path, reason: "not a JSON object") }
        var summary = try RunSummary.read(data, file: summaryURL.path)
        let start = Int64((summary.startedAt.timeIntervalSince1970 * 1_000_000).rounded())
        let clock = WallClockMapping(monotonicStart: 0, unixMicrosecondsStart: start)

        let callsURL = folder.appendingPathComponent("calls.csv")
        let calls = try CallsCSVReader(try text(callsURL), file: callsURL.path, clock: clock)
        let timelineURL = folder.appendingPathComponent("timeline.csv")
        var timeline = try TimelineFile.read(try text(timelineURL), file: timelineURL.path)
        // With the run's own start, the calls' figures come out as the run wrote them;
        // without it (an older file) the file's own are kept.
        if let timelineStart = summary.timelineStartUs {
            Timeline.setCallFigures(&timeline, calls: calls.timelineCalls, start: timelineStart)
        }
        if calls.records.count != summary.offered {
            summary.warnings.append(
                "calls.csv has \(calls.records.count) rows but summary.json says \(summary.offered) calls were offered")
        }
        summary.setCounts(from: Self.metrics(calls.records), histograms: calls.histograms)
        summary.callRows = calls.records.count

        let known = Set(summary.encodedKeys)
        let extra = object.filter { !known.contains($0.key) }
        return RunFiles(
            sources: [folder], summary: summary, records: calls.records, timelineCalls: calls.timelineCalls,
            timelineStart: summary.timelineStartUs ?? start, clock: clock, histograms: calls.histograms,
            timeline: timeline, thresholds: summary.thresholds, callsHeader: calls.header,
            callRows: calls.rows, extraJSON: (try? JSONSerialization.data(withJSONObject: extra, options: [.sortedKeys])) ?? Data("{}".utf8))
    }

    /// Per-call aggregates of `records` (the latencies are replaced by the columns').
    static func metrics(_ records: [CallRecord]) -> RunMetrics.Snapshot {
        let metrics = RunMetrics()
        for record in records { metrics.add(record) }
        return metrics.snapshot
    }

    private static func text(_ url: URL) throws(ReportError) -> String {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ReportError(
                path: url.path, reason: "missing (a run folder has summary.json, calls.csv and timeline.csv, as switchy run writes them)")
        }
        do { return try String(contentsOf: url, encoding: .utf8) } catch {
            throw ReportError(path: url.path, reason: "cannot be read as UTF-8 text")
        }
    }

    /// The profile as pretty JSON: the run's, or each merged run's under its run id.
    var profileText: String {
        guard let object = try? JSONSerialization.jsonObject(with: extraJSON) as? [String: Any] else { return "" }
        let value: Any? = object["profile"] ?? object["profiles"]
        guard let value, JSONSerialization.isValidJSONObject(value),
            let data = try? ReportJSON.data(value)
        else { return "" }
        // Foundation pretty-prints an empty object or array over three lines.
        return String(decoding: data, as: UTF8.self)
            .replacingOccurrences(of: #"\{\s*\n\s*\}"#, with: "{}", options: .regularExpression)
            .replacingOccurrences(of: #"\[\s*\n\s*\]"#, with: "[]", options: .regularExpression)
    }
}

extension RunSummary {
    /// The top-level keys `summary.json` gets from this type.
    var encodedKeys: [String] { CodingKeys.allCases.map(\.stringValue) }
}
