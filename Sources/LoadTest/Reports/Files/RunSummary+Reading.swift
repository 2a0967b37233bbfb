import Foundation

/// Reading `summary.json` back (``RunSummary`` is only `Encodable`).
///
/// Only the run-level fields come from the file — name, id, start/end, offering time,
/// offered/blocked, per-slave limits, events and heartbeats, warnings, notes. Everything
/// counted per call (outcomes, causes, SIP statuses, slaves' and apps' outcomes,
/// latencies) is recomputed from `calls.csv` by ``RunFiles``, so a re-rendered or
/// merged summary is built from the same records as the charts.
extension RunSummary {
    /// A summary with the run-level fields of a `summary.json` object and no per-call
    /// counts yet.
    /// - Throws: ``ReportError`` naming `file` and the first missing or mistyped field.
    init(json object: [String: Any], file: String) throws(ReportError) {
        func field<T>(_ key: String, as type: T.Type) throws(ReportError) -> T {
            guard let value = object[key] as? T else {
                throw ReportError(path: file, reason: "field \"\(key)\" is missing or not a \(Self.typeName(T.self))")
            }
            return value
        }
        func date(_ key: String) throws(ReportError) -> Date {
            let text = try field(key, as: String.self)
            guard let date = Self.parseDate(text) else {
                throw ReportError(path: file, reason: "field \"\(key)\" is not an ISO 8601 time: \(text)")
            }
            return date
        }
        if let schema = object["schema"] as? Int, schema != 1 {
            throw ReportError(path: file, reason: "schema \(schema) is not supported (this switchy reads schema 1)")
        }
        name = try field("name", as: String.self)
        runID = try field("run_id", as: String.self)
        startedAt = try date("started_at")
        endedAt = try date("ended_at")
        durationSeconds = (object["duration_s"] as? Double) ?? endedAt.timeIntervalSince(startedAt)
        offeringSeconds = (object["offering_s"] as? Double) ?? durationSeconds
        interrupted = (object["interrupted"] as? Bool) ?? false
        offered = try field("offered", as: Int.self)
        blocked = (object["blocked"] as? Int) ?? 0
        callRows = (object["call_rows"] as? Int) ?? offered
        let seconds = Swift.max(offeringSeconds, 1e-9)
        targetRate = (object["target_rate"] as? Double) ?? Double(offered + blocked) / seconds
        achievedRate = (object["achieved_rate"] as? Double) ?? Double(offered) / seconds
        outcomes = [:]
        answered = 0
        failed = 0
        lost = 0
        asr = nil
        hangupCauses = [:]
        sipStatuses = [:]
        apps = [:]
        latencyMs = [:]
        warnings = (object["warnings"] as? [String]) ?? []
        notes = (object["notes"] as? [String]) ?? []
        thresholds = ((object["thresholds"] as? [[String: Any]]) ?? []).compactMap { item in
            guard let expression = item["expression"] as? String, let passed = item["passed"] as? Bool else { return nil }
            return Verdict(
                expression: expression, passed: passed, measured: item["measured"] as? Double,
                message: item["message"] as? String ?? "")
        }
        passed = (object["passed"] as? Bool) ?? thresholds.allSatisfy(\.passed)
        if let stats = object["generator"] as? [String: Any] {
            generator = Generator(
                eventsHandled: stats["events_handled"] as? Int ?? 0, eventsPerSecond: stats["events_per_s"] as? Double ?? 0,
                cpuSeconds: stats["cpu_s"] as? Double ?? 0, peakResidentMB: stats["peak_rss_mb"] as? Double ?? 0)
        }
        var slaves: [String: SlaveSummary] = [:]
        for (slaveName, value) in (object["slaves"] as? [String: Any]) ?? [:] {
            guard let slave = value as? [String: Any] else {
                throw ReportError(path: file, reason: "slaves.\(slaveName) is not an object")
            }
            let events = ((slave["events"] as? [[String: Any]]) ?? []).map {
                SlaveSummary.Event(
                    atSecond: ($0["at_s"] as? Double) ?? 0, up: ($0["up"] as? Bool) ?? false, note: ($0["note"] as? String) ?? "")
            }
            slaves[slaveName] = SlaveSummary(
                outcomes: [:], events: events, maxSessionsPerSecond: slave["max_sessions_per_second"] as? Int,
                maxSessions: slave["max_sessions"] as? Int, heartbeatSessionCount: slave["heartbeat_session_count"] as? Int,
                heartbeatIdleCPU: slave["heartbeat_idle_cpu"] as? Double)
        }
        self.slaves = slaves
    }

    /// Sets the per-call counts and latency percentiles from aggregated records.
    mutating func setCounts(from metrics: RunMetrics.Snapshot, histograms: [String: LatencyHistogram]) {
        outcomes = Dictionary(uniqueKeysWithValues: CallRecord.Outcome.allCases.map { ($0.rawValue, metrics.outcomes[$0] ?? 0) })
        answered = metrics.outcomes[.answered] ?? 0
        failed = metrics.outcomes[.failed] ?? 0
        lost = metrics.outcomes[.lost] ?? 0
        asr = offered > 0 ? Double(answered) / Double(offered) : nil
        hangupCauses = metrics.causes
        sipStatuses = Dictionary(uniqueKeysWithValues: metrics.sipStatuses.map { (String($0.key), $0.value) })
        for (name, counts) in metrics.slaves {
            slaves[name, default: SlaveSummary(outcomes: [:], events: [])].outcomes =
                Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
        }
        apps = metrics.apps.mapValues { Dictionary(uniqueKeysWithValues: $0.map { ($0.key.rawValue, $0.value) }) }
        latencyMs = histograms.compactMapValues(Percentiles.init)
    }

    /// ISO 8601 with or without fractional seconds.
    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "string"
        case is Int.Type: "whole number"
        case is Double.Type: "number"
        default: "\(type)"
        }
    }
}

extension RunSummary.SlaveSummary {
    init(outcomes: [String: Int], events: [Event]) {
        self.init(
            outcomes: outcomes, events: events, maxSessionsPerSecond: nil, maxSessions: nil, heartbeatSessionCount: nil,
            heartbeatIdleCPU: nil)
    }
}
