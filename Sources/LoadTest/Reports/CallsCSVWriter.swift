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
        "server_pdd_ms", "server_answer_ms", "server_hold_ms", "planned_hold_ms", "hold_drift_ms",
        "send_queue_ms",
        "media", "rtp_in_packets", "mos", "rtp_loss_pct", "jitter_ms", "far_rtp_in_packets", "far_mos",
        "step",
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
                state.failure = "cannot be written (\(PathProblem.describe(error, at: url)))"
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
}
