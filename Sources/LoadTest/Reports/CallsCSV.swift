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

    /// The file as created.
    public let url: URL
    private let handle: FileHandle
    private let clock: WallClockMapping
    /// Rows appended and not yet written.
    private let buffer = Mutex<[UInt8]>([])
    /// Held while writing, so flushes never interleave.
    private let file = Mutex(FileState())
    private let rows = Atomic<Int>(0)

    private struct FileState {
        /// Bytes the file is known to hold (a failed write may have left part of a
        /// chunk after them; ``copy(to:)`` ignores it).
        var written = 0
        /// The first write error; after it, rows stay in memory.
        var failure: String?
    }

    /// Creates (or truncates) the file and writes the header.
    public init(url: URL, clock: WallClockMapping) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw ReportError(path: url.path, reason: "cannot create the file")
        }
        // Open for reading too: if the folder disappears, the rows already written can
        // still be read back through this descriptor (``copy(to:)``).
        handle = try FileHandle(forUpdating: url)
        self.url = url
        self.clock = clock
        let header = Array((Self.columns.joined(separator: ",") + "\n").utf8)
        try handle.write(contentsOf: header)
        file.withLock { $0.written = header.count }
    }

    /// Rows appended so far.
    public var rowCount: Int { rows.load(ordering: .relaxed) }

    /// Adds one row (buffered).
    public func append(_ record: CallRecord) {
        let line = Self.row(record, clock: clock)
        buffer.withLock { $0.append(contentsOf: line.utf8) }
        rows.add(1, ordering: .relaxed)
    }

    /// Writes what is buffered. After a failed write, rows are kept in memory (and
    /// every later flush throws), so ``copy(to:)`` still has every row.
    public func flush() throws {
        try file.withLock { state throws in
            if let failure = state.failure { throw ReportError(path: url.path, reason: failure) }
            let bytes = buffer.withLock { buffer in
                defer { buffer.removeAll(keepingCapacity: true) }
                return buffer
            }
            guard !bytes.isEmpty else { return }
            do {
                try handle.write(contentsOf: bytes)
                state.written += bytes.count
            } catch {
                buffer.withLock { $0.insert(contentsOf: bytes, at: 0) }
                state.failure = "cannot be written (\(error.localizedDescription))"
                throw ReportError(path: url.path, reason: state.failure ?? "")
            }
        }
    }

    /// Whether ``url`` still names the file being written: false once it (or its
    /// folder) was removed or replaced during the run. Rows written to a removed file
    /// are not lost: the open descriptor keeps them, and ``copy(to:)`` reads them back.
    public var isInPlace: Bool {
        var own = stat()
        var named = stat()
        guard fstat(handle.fileDescriptor, &own) == 0, stat(url.path, &named) == 0 else { return false }
        return own.st_ino == named.st_ino && own.st_dev == named.st_dev
    }

    /// Writes every row (those in the file and those still in memory) to a new file at
    /// `destination`, whatever became of ``url``.
    public func copy(to destination: URL) throws {
        try file.withLock { state throws in
            try handle.seek(toOffset: 0)
            var bytes = try handle.read(upToCount: state.written) ?? Data()
            guard bytes.count == state.written else {
                throw ReportError(path: url.path, reason: "only \(bytes.count) of \(state.written) bytes could be read back")
            }
            bytes.append(contentsOf: buffer.withLock { $0 })
            try bytes.write(to: destination)
            try handle.seekToEnd()
        }
    }

    /// Flushes and closes the file.
    public func close() throws {
        try flush()
        try handle.close()
    }

    /// Closes the file without writing (after ``copy(to:)`` took the rows elsewhere).
    public func abandon() {
        try? handle.close()
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
