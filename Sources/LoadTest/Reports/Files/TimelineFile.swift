import Foundation

/// `timeline.csv` read back and written again, and the per-second answer latency
/// percentiles rebuilt from the call records.
enum TimelineFile {
    /// The columns every `timeline.csv` has.
    static let columns = ["second", "target_rate", "offered", "achieved_rate", "blocked", "answered", "failed", "active"]
    /// Calls that ended dropped each second (0 when reading a file without it).
    static let droppedColumn = "dropped"
    /// The answer latency columns (empty in seconds without an answered call) and the
    /// slaves' heartbeat session count (empty before the first heartbeat); optional when
    /// reading.
    static let latencyColumns = ["answer_p50_ms", "answer_p95_ms", "answer_p99_ms", "heartbeat_sessions"]

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
            rows.append(
                TimelineRow(
                    second: try count("second"), targetRate: try number("target_rate") ?? 0, offered: try count("offered"),
                    achievedRate: try number("achieved_rate") ?? 0, blocked: try count("blocked"),
                    answered: try count("answered"), failed: try count("failed"), dropped: try count(droppedColumn),
                    active: try count("active"),
                    answerP50: try number("answer_p50_ms"), answerP95: try number("answer_p95_ms"),
                    answerP99: try number("answer_p99_ms"), heartbeatSessions: try number("heartbeat_sessions").map { Int($0) }))
        }
        return rows
    }

    /// The CSV text of `rows`, in the format `switchy run` writes.
    static func csv(_ rows: [TimelineRow]) -> String {
        func ms(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "" }
        var text = (columns + [droppedColumn] + latencyColumns).joined(separator: ",") + "\n"
        for row in rows {
            text += [
                String(row.second), String(format: "%.2f", row.targetRate), String(row.offered),
                String(format: "%.2f", row.achievedRate), String(row.blocked), String(row.answered), String(row.failed),
                String(row.active), String(row.dropped), ms(row.answerP50), ms(row.answerP95), ms(row.answerP99),
                row.heartbeatSessions.map(String.init) ?? "",
            ].joined(separator: ",") + "\n"
        }
        return text
    }

    /// Sets each row's answer_ms p50/p95/p99 from the calls *sent* in that second
    /// (second n covers [n − 1, n) after `start`, unix µs); rows of seconds in which no
    /// call sent got answered get nil.
    static func setAnswerPercentiles(_ rows: inout [TimelineRow], records: [CallRecord], clock: WallClockMapping, start: Int64) {
        // Sparse counts per second (bucket → count): a dense histogram a second would
        // cost 31 KB × the run's length.
        var bySecond: [Int: [Int: Int64]] = [:]
        for record in records {
            guard let sent = record.sentAt, let answer = record.answerMs else { continue }
            let offset = clock.unixMicroseconds(monotonic: sent) - start
            let second = Int(offset >= 0 ? offset / 1_000_000 : (offset - 999_999) / 1_000_000) + 1
            bySecond[second, default: [:]][LatencyHistogram.index(of: Int64((answer * 1_000).rounded())), default: 0] += 1
        }
        for index in rows.indices {
            let counts = bySecond[rows[index].second] ?? [:]
            rows[index].answerP50 = Timeline.percentile(counts, 50)
            rows[index].answerP95 = Timeline.percentile(counts, 95)
            rows[index].answerP99 = Timeline.percentile(counts, 99)
        }
    }
}
