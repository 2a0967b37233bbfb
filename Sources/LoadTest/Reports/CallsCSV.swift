public import Foundation
import Synchronization

/// Streams `calls.csv`: one row per offered call, written as calls finish and flushed at
/// least once a second by the run (``flush()``), so a crash loses at most a second.
///
/// Columns (README, "calls.csv"): times `*_at` are wall-clock **unix µs** from this
/// generator's clock; `server_*_ms` intervals come from FreeSWITCH's own timestamps
/// (20 ms steps); other `*_ms` from our monotonic clock. The two clocks are never mixed.
public final class CallsCSVWriter: Sendable {
    /// The header row, in order.
    public static let columns = [
        "seq", "call_uuid", "slave", "app", "outcome", "hangup_cause", "sip_status", "error",
        "scheduled_at", "sent_at", "created_at", "progress_at", "answered_at", "job_done_at", "hangup_at",
        "schedule_lag_ms", "pdd_ms", "answer_ms", "setup_ms_from_schedule", "originate_ms", "hold_ms",
        "server_pdd_ms", "server_answer_ms", "server_hold_ms",
    ]

    private let handle: FileHandle
    private let clock: WallClockMapping
    private let buffer = Mutex<[UInt8]>([])
    private let rows = Atomic<Int>(0)

    /// Creates (or truncates) the file and writes the header.
    public init(url: URL, clock: WallClockMapping) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw ReportError(path: url.path, reason: "cannot create the file")
        }
        handle = try FileHandle(forWritingTo: url)
        self.clock = clock
        try handle.write(contentsOf: Array((Self.columns.joined(separator: ",") + "\n").utf8))
    }

    /// Rows written so far.
    public var rowCount: Int { rows.load(ordering: .relaxed) }

    /// Adds one row (buffered).
    public func append(_ record: CallRecord) {
        let line = Self.row(record, clock: clock)
        buffer.withLock { $0.append(contentsOf: line.utf8) }
        rows.add(1, ordering: .relaxed)
    }

    /// Writes what is buffered.
    public func flush() throws {
        let bytes = buffer.withLock { buffer in
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        if !bytes.isEmpty { try handle.write(contentsOf: bytes) }
    }

    /// Flushes and closes the file.
    public func close() throws {
        try flush()
        try handle.close()
    }

    /// One CSV line for a record.
    public static func row(_ r: CallRecord, clock: WallClockMapping) -> String {
        let fields: [String] = [
            String(r.seq), r.callUUID, r.slave, r.app ?? "", r.outcome.rawValue, r.hangupCause ?? "",
            r.sipStatus.map(String.init) ?? "", r.error ?? "",
            time(r.scheduledAt, clock), time(r.sentAt, clock), time(r.createdAt, clock), time(r.progressAt, clock),
            time(r.answeredAt, clock), time(r.jobDoneAt, clock), time(r.hangupAt, clock),
            ms(r.scheduleLagMs), ms(r.pddMs), ms(r.answerMs), ms(r.setupMsFromSchedule), ms(r.originateMs),
            ms(r.holdMs), ms(r.serverPddMs), ms(r.serverAnswerMs), ms(r.serverHoldMs),
        ]
        return fields.map(escape).joined(separator: ",") + "\n"
    }

    private static func time(_ monotonic: Int64?, _ clock: WallClockMapping) -> String {
        monotonic.map { String(clock.unixMicroseconds(monotonic: $0)) } ?? ""
    }

    private static func ms(_ value: Double?) -> String {
        guard let value else { return "" }
        return String(format: "%.3f", value)
    }

    /// One field as written: neutralised (``neutralise(_:)``), then quoted as RFC 4180
    /// asks when it holds a comma, a quote or a line break.
    static func escape(_ field: String) -> String {
        let field = neutralise(field)
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Characters that make a spreadsheet read a cell as a formula (`=`, `+`, `-`, `@`,
    /// and tab or carriage return before one), plus `'`, the prefix itself.
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "\r\n", "'"]

    /// Guards against spreadsheet formula injection (OWASP "CSV injection"): a field
    /// starting with one of ``formulaStarts`` gets a leading `'`, which spreadsheets
    /// take as "text" and do not show. A FreeSWITCH reply such as `-ERR NO_ROUTE` comes
    /// out as `'-ERR NO_ROUTE`. A plain number (`-1`, `-0.250`) is kept as it is: a
    /// spreadsheet reads it as the number it is. A field that starts with `'` gets one
    /// too, so ``CSVTable`` can drop exactly one leading `'` when reading back.
    static func neutralise(_ field: String) -> String {
        guard let first = field.first, formulaStarts.contains(first), !isPlainNumber(field) else { return field }
        return "'" + field
    }

    /// `-?digits(.digits)?`: what a spreadsheet reads as a number, never a formula.
    private static func isPlainNumber(_ field: String) -> Bool {
        let body = field.hasPrefix("-") ? field.dropFirst() : Substring(field)
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.allSatisfy { part in !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}

/// Turns the run clock's monotonic ns into wall-clock time, from one reading of both
/// taken together at the start of the run.
public struct WallClockMapping: Sendable, Equatable {
    public var monotonicStart: Int64
    public var unixMicrosecondsStart: Int64

    public init(monotonicStart: Int64, unixMicrosecondsStart: Int64) {
        self.monotonicStart = monotonicStart
        self.unixMicrosecondsStart = unixMicrosecondsStart
    }

    /// The wall-clock time (unix µs) of a monotonic reading.
    public func unixMicroseconds(monotonic: Int64) -> Int64 {
        unixMicrosecondsStart + (monotonic - monotonicStart) / 1_000
    }
}

/// A report file could not be written.
public struct ReportError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path): \(reason)" }
}
