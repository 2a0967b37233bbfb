public import Foundation
import Synchronization

/// The files of one run under `<base>/<UTC time>-<name>/`, and the sinks that fill
/// them: `calls.csv` (``CallsCSVSink``, streamed while the run goes), the metrics
/// (``RunMetrics``) and the timeline (``TimelineRecorder``); at the end
/// ``finish(result:plan:profile:thresholds:interruption:search:abort:junit:html:fallbackBase:)`` writes
/// `timeline.csv`, `summary.json` and the rest. As a ``RecordSink`` it hands each
/// record and snapshot to its three sinks.
public final class RunReport: RecordSink {
    /// The run's folder.
    public let directory: URL
    public let calls: CallsCSVWriter
    public let metrics = RunMetrics()
    public let timeline: TimelineRecorder
    /// Maps the run clock to wall-clock time, as `calls.csv` writes it.
    private let clock: WallClockMapping
    private let csv: CallsCSVSink
    private var sinks: [any RecordSink] { [csv, metrics, timeline] }
    private let folderProblemReported = Mutex(false)
    /// The folder the reports went to instead of ``directory``, and why.
    private let fallback = Mutex<(folder: URL, reason: String)?>(nil)

    /// Creates the folder and opens `calls.csv`.
    /// - Throws: ``ReportError`` naming the folder when it cannot be created or written.
    public init(base: String, name: String, start: Date, clock: WallClockMapping) throws(ReportError) {
        let stamp = Self.stamp(start)
        let safeName = String(name.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
        let fileManager = FileManager.default
        let candidate = fileManager.freeFolder(URL(fileURLWithPath: base).appendingPathComponent("\(stamp)-\(safeName)"))
        do {
            try fileManager.createDirectory(at: candidate, withIntermediateDirectories: true)
            calls = try CallsCSVWriter(url: candidate.appendingPathComponent("calls.csv"), clock: clock)
        } catch let error as ReportError {
            throw error
        } catch {
            throw ReportError(path: candidate.path, reason: "cannot write the results folder (\(PathProblem.describe(error, at: candidate)))")
        }
        directory = candidate
        csv = CallsCSVSink(writer: calls)
        timeline = TimelineRecorder(clock: clock)
        self.clock = clock
    }

    /// A finished call: one row of `calls.csv`, the metrics, the timeline.
    public func add(_ record: CallRecord) {
        for sink in sinks { sink.add(record) }
    }

    /// A per-second snapshot: kept for the timeline (the record queue then calls
    /// ``flush()``, which writes out `calls.csv`).
    public func progress(_ snapshot: LoadRun.Progress) {
        for sink in sinks { sink.progress(snapshot) }
    }

    public func flush() { csv.flush() }

    /// The first error met while flushing `calls.csv` during the run, if any.
    public var writeError: String? { csv.writeError }

    /// Where the reports were written: ``directory``, or the fallback folder when
    /// ``finish(result:plan:profile:thresholds:interruption:search:abort:junit:html:fallbackBase:)`` had to use one.
    public var writtenTo: URL { fallback.withLock { $0?.folder } ?? directory }

    /// Why the reports are not in ``directory`` (nil when they are).
    public var fallbackReason: String? { fallback.withLock { $0?.reason } }

    /// A problem with the results folder seen during the run (it, or `calls.csv` in
    /// it, was removed or replaced, or a write failed), reported once: the first call
    /// that sees it returns it, later calls return nil.
    public func newFolderProblem() -> String? {
        guard let problem = folderProblem() else { return nil }
        return folderProblemReported.withLock { reported in
            defer { reported = true }
            return reported ? nil : problem
        }
    }

    private func folderProblem() -> String? {
        if let failure = writeError { return failure }
        guard calls.isInPlace else { return "the results folder \(directory.path) (or its calls.csv) was removed during the run" }
        return nil
    }

    /// Judges the run (``RunSummary/judge(by:)``: `thresholds`, or the defaults when
    /// there are none) and writes `calls.csv` (closing it), `timeline.csv`,
    /// `summary.json` and, when asked, `junit.xml` and `report.html`. An interrupted
    /// run carries `interruption` (why and when) in each.
    ///
    /// When the run's folder was removed during the run, or a report cannot be written
    /// in it, and `fallbackBase` is given, every report (every row of `calls.csv`
    /// included: those already written are read back through the open file) goes to
    /// `<fallbackBase>/<run folder name>/` instead, ``writtenTo`` and
    /// ``fallbackReason`` say so, and `summary.json` carries it as a warning.
    /// - Throws: the write error, when there is no fallback or it cannot be written either.
    @discardableResult
    public func finish(
        result: LoadRun.Result, plan: RunPlan, profile: (any Encodable & Sendable)?, thresholds: [Threshold],
        interruption: RunSummary.Interruption? = nil, search: SearchSummary? = nil, abort: AbortSummary? = nil,
        junit: Bool = true, html: Bool = true, fallbackBase: URL? = nil
    ) throws -> RunSummary {
        let rows = timelineRows(result: result, plan: plan)
        var summary = RunSummary(result: result, plan: plan, metrics: metrics.snapshot, callRows: calls.rowCount)
        if result.interrupted, let interruption { summary.interruption = interruption }
        summary.timelineStartUs = clock.unixMicroseconds(monotonic: result.clockStart)
        summary.search = search
        summary.abort = abort
        summary.judge(by: thresholds)
        let verdicts = summary.thresholds
        let render = { (summary: RunSummary) throws -> [(name: String, data: Data)] in
            try self.files(summary, rows: rows, verdicts: verdicts, plan: plan, profile: profile, junit: junit, html: html)
        }
        var problem = folderProblem()
        if problem == nil {
            do {
                try calls.flush()
                try Self.write(try render(summary), to: directory)
                try calls.close()
                return summary
            } catch {
                problem = Self.describe(error)
            }
        }
        let reason = problem ?? "unknown"
        guard let fallbackBase else {
            calls.abandon()
            throw ReportError(path: directory.path, reason: reason)
        }
        let folder = FileManager.default.freeFolder(fallbackBase.appendingPathComponent(directory.lastPathComponent))
        summary.warnings.append("reports written to \(folder.path): \(reason)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try calls.copy(to: folder.appendingPathComponent("calls.csv"))
            try Self.write(try render(summary), to: folder)
        } catch {
            calls.abandon()
            throw ReportError(
                path: folder.path, reason: "\(reason); the fallback folder cannot be written either (\(Self.describe(error)))")
        }
        calls.abandon()
        fallback.withLock { $0 = (folder, reason) }
        return summary
    }

    /// The per-second rows of `timeline.csv`.
    public func timelineRows(result: LoadRun.Result, plan: RunPlan) -> [TimelineRow] {
        var rows = timeline.rows(
            start: clock.unixMicroseconds(monotonic: result.clockStart), pacer: plan.pacer,
            offeringSeconds: result.offeringSeconds)
        Timeline.attach(result.slaveHealth.rows, to: &rows)
        return rows
    }

    static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }
}

