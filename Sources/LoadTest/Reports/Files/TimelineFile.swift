import Foundation

/// `timeline.csv` read back and written again (its rows are ``Timeline``'s).
///
/// Each second has the run's row (`slave` = `all`), then one row per slave sampled in
/// that second (`slave` = its name) with only `second`, `slave`, `sessions`, `sps`
/// and `idle_cpu` filled (``SlaveHealthRow``; all three empty when no reading came).
/// A file without a `slave` column (written before it) has run rows only.
enum TimelineFile {
    /// The columns every `timeline.csv` has.
    static let columns = ["second", "target_rate", "offered", "achieved_rate", "blocked", "answered", "failed", "active"]
    /// The columns as written: those, the calls up (answered, not ended), the calls
    /// that ended dropped (answered, then cut before their planned hold), the answer
    /// latency (empty in seconds without an answered call) and the slaves' heartbeat
    /// session count (empty before the first heartbeat), and the slaves' own figures;
    /// the extra ones are optional when reading.
    static let written = [
        "second", "slave", "target_rate", "offered", "achieved_rate", "blocked", "answered", "calls_up", "failed", "active",
        "dropped", "answer_p50_ms", "answer_p95_ms", "answer_p99_ms", "heartbeat_sessions", "sessions", "sps", "idle_cpu",
    ]
    /// The `slave` of the run's own rows.
    static let allSlaves = "all"

    /// Parses `text` (the content of `file`).
    /// - Throws: ``ReportError`` naming the file and the line for a missing column or a
    ///   value that is not a number.
    static func read(_ text: String, file: String) throws(ReportError) -> [TimelineRow] {
        let table = try CSVTable(text, file: file)
        try table.require(columns, file: file)
        var rows: [TimelineRow] = []
        for (offset, row) in table.rows.enumerated() {
            func number(_ name: String) throws(ReportError) -> Double? {
                guard let index = table.column(name), !row[index].isEmpty else { return nil }
                guard let value = Double(row[index]), value.isFinite else {
                    throw ReportError(path: file, reason: "line \(offset + 2): \(name) is not a number: \(row[index])")
                }
                return value
            }
            func count(_ name: String) throws(ReportError) -> Int { Int(try number(name) ?? 0) }
            if let slave = table.column("slave").map({ row[$0] }), !slave.isEmpty, slave != allSlaves {
                let health = SlaveHealthRow(
                    second: try count("second"), slave: slave, sessions: try number("sessions").map { Int($0) },
                    sessionsPerSecond: try number("sps").map { Int($0) }, idleCPU: try number("idle_cpu"))
                guard !rows.isEmpty, rows[rows.count - 1].second == health.second else {
                    throw ReportError(
                        path: file, reason: "line \(offset + 2): slave \(slave)'s row for second \(health.second) follows no row of that second")
                }
                rows[rows.count - 1].slaves.append(health)
                continue
            }
            rows.append(
                TimelineRow(
                    second: try count("second"), targetRate: try number("target_rate") ?? 0, offered: try count("offered"),
                    achievedRate: try number("achieved_rate") ?? 0, blocked: try count("blocked"),
                    answered: try count("answered"), failed: try count("failed"), dropped: try count("dropped"),
                    active: try count("active"),
                    answerP50: try number("answer_p50_ms"), answerP95: try number("answer_p95_ms"),
                    answerP99: try number("answer_p99_ms"), heartbeatSessions: try number("heartbeat_sessions").map { Int($0) },
                    callsUp: try count("calls_up")))
        }
        return rows
    }

    /// The CSV text of `rows`, in the format `switchy run` writes.
    static func csv(_ rows: [TimelineRow]) -> String {
        func ms(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "" }
        var text = written.joined(separator: ",") + "\n"
        let runColumns = written.count - 5
        for row in rows {
            text += [
                String(row.second), allSlaves, String(format: "%.2f", row.targetRate), String(row.offered),
                String(format: "%.2f", row.achievedRate), String(row.blocked), String(row.answered), String(row.callsUp),
                String(row.failed), String(row.active), String(row.dropped), ms(row.answerP50), ms(row.answerP95), ms(row.answerP99),
                row.heartbeatSessions.map(String.init) ?? "", "", "", "",
            ].joined(separator: ",") + "\n"
            for slave in row.slaves {
                text += ([String(slave.second), CallsCSVWriter.escape(slave.slave)] + Array(repeating: "", count: runColumns) + [
                    slave.sessions.map(String.init) ?? "", slave.sessionsPerSecond.map(String.init) ?? "",
                    slave.idleCPU.map { String(format: "%.2f", $0) } ?? "",
                ]).joined(separator: ",") + "\n"
            }
        }
        return text
    }
}
