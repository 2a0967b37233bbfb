import Switchy

/// Reads `calls.csv` back: one ``CallRecord`` per row, and the latency histograms
/// rebuilt from the `*_ms` columns exactly as the run recorded them.
///
/// Local `*_at` columns are wall-clock unix µs; they come back as monotonic ns on the
/// `clock` given (``WallClockMapping``), so writing the records again with
/// ``CallsCSVWriter/row(_:clock:)`` and that clock reproduces them. calls.csv keeps only
/// the server-side *intervals*, not FreeSWITCH's timestamps, so the server times come
/// back relative to the call's creation (created = 0): the intervals are the same.
///
/// Histograms are built from the columns rather than from the rebuilt times, because
/// the columns carry the run's own measurements (to the µs), while differences of
/// µs-truncated times could be 1 µs off. (The run rounds ns to µs with `rounded()`, the
/// column with `%.3f`; the two can only disagree on a value exactly half-way between
/// two µs, and then by 1 µs.)
struct CallsCSVReader {
    /// Columns a file must have.
    static let required = ["seq", "call_uuid", "slave", "outcome", "scheduled_at"]

    var records: [CallRecord] = []
    /// Each record's times as the timeline buckets them (its `answer_ms` the column's).
    var timelineCalls: [Timeline.Call] = []
    var histograms: [String: LatencyHistogram] = [:]
    /// The file's header row and data rows, as read.
    var header: [String] = []
    var rows: [[String]] = []

    /// Parses `text` (the content of `file`).
    /// - Throws: ``ReportError`` naming the file and the line for a missing column, a
    ///   bad number or an unknown outcome.
    init(_ text: String, file: String, clock: WallClockMapping) throws(ReportError) {
        let table = try CSVTable(text, file: file)
        try table.require(Self.required, file: file)
        header = table.columns
        rows = table.rows
        func column(_ name: String) -> Int? { table.column(name) }
        let latencyColumns = RunMetrics.statisticNames.compactMap { name in column(name).map { (name, $0) } }
        for (offset, row) in table.rows.enumerated() {
            let line = offset + 2
            func text(_ name: String) -> String? {
                guard let index = column(name), !row[index].isEmpty else { return nil }
                return row[index]
            }
            func integer(_ name: String) throws(ReportError) -> Int64? {
                guard let value = text(name) else { return nil }
                guard let number = Int64(value) else {
                    throw ReportError(path: file, reason: "line \(line): \(name) is not an integer: \(value)")
                }
                return number
            }
            func milliseconds(_ name: String) throws(ReportError) -> Double? {
                guard let value = text(name) else { return nil }
                guard let number = Double(value), number.isFinite else {
                    throw ReportError(path: file, reason: "line \(line): \(name) is not a number: \(value)")
                }
                return number
            }
            func monotonic(_ name: String) throws(ReportError) -> Int64? {
                try integer(name).map { (($0 - clock.unixMicrosecondsStart) * 1_000) + clock.monotonicStart }
            }
            guard let seq = try integer("seq"), let uuid = text("call_uuid"), let scheduled = try monotonic("scheduled_at")
            else {
                throw ReportError(path: file, reason: "line \(line): seq, call_uuid and scheduled_at must not be empty")
            }
            let outcomeText = text("outcome") ?? ""
            guard let outcome = CallRecord.Outcome(rawValue: outcomeText) else {
                throw ReportError(path: file, reason: "line \(line): unknown outcome '\(outcomeText)'")
            }
            var record = CallRecord(seq: Int(seq), callUUID: uuid, slave: text("slave") ?? "", app: text("app"), scheduledAt: scheduled)
            record.outcome = outcome
            record.hangupCause = text("hangup_cause")
            record.sipStatus = try integer("sip_status").map { Int($0) }
            record.error = text("error")
            record.step = try integer("step").map { Int($0) }
            record.sentAt = try monotonic("sent_at")
            record.createdAt = try monotonic("created_at")
            record.progressAt = try monotonic("progress_at")
            record.answeredAt = try monotonic("answered_at")
            record.jobDoneAt = try monotonic("job_done_at")
            record.hangupAt = try monotonic("hangup_at")
            record.plannedHold = try milliseconds("planned_hold_ms").map { Int64(($0 * 1_000_000).rounded()) }
            if let media = text("media") {
                guard let known = CallMedia(rawValue: media) else {
                    throw ReportError(path: file, reason: "line \(line): unknown media '\(media)'")
                }
                record.media = known
            }
            record.rtpInPackets = try integer("rtp_in_packets").map { Int($0) }
            record.mos = try milliseconds("mos")
            record.rtpLossPct = try milliseconds("rtp_loss_pct")
            record.jitterMs = try milliseconds("jitter_ms")
            record.farRTPInPackets = try integer("far_rtp_in_packets").map { Int($0) }
            record.farMOS = try milliseconds("far_mos")
            if let sent = record.sentAt, let queued = try milliseconds("send_queue_ms") {
                record.writtenAt = sent + Int64((queued * 1_000_000).rounded())
            }
            try Self.restoreServerTimes(
                &record, pdd: milliseconds("server_pdd_ms"), answer: milliseconds("server_answer_ms"),
                hold: milliseconds("server_hold_ms"))
            records.append(record)
            timelineCalls.append(Timeline.Call(record, answerMs: try milliseconds("answer_ms"), clock: clock))
            for (name, _) in latencyColumns {
                if let value = try milliseconds(name) {
                    histograms[name, default: LatencyHistogram()].record(milliseconds: value)
                }
            }
        }
    }

    /// Server timestamps (µs) that reproduce the three server intervals, creation at 0.
    private static func restoreServerTimes(_ record: inout CallRecord, pdd: Double?, answer: Double?, hold: Double?) {
        func micro(_ ms: Double) -> Int64 { Int64((ms * 1_000).rounded()) }
        if pdd != nil || answer != nil { record.serverCreated = 0 }
        if let pdd { record.serverProgress = micro(pdd) }
        if let answer { record.serverAnswered = micro(answer) }
        if let hold {
            let answered = record.serverAnswered ?? 0
            record.serverAnswered = answered
            record.serverHangup = answered + micro(hold)
        }
    }
}
