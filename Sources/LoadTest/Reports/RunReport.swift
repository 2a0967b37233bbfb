public import Foundation
import Synchronization

/// The files of one run under `<base>/<UTC time>-<name>/`: `calls.csv` streamed while
/// the run goes, then `timeline.csv` and `summary.json` at the end.
public final class RunReport: Sendable {
    /// The run's folder.
    public let directory: URL
    public let calls: CallsCSVWriter
    public let metrics = RunMetrics()
    private let timeline = Mutex<[LoadRun.Progress]>([])
    /// (sent time, answer_ms histogram bucket) of each answered call, bucketed by run
    /// second at the end (the run's start is known only then).
    private let answers = Mutex<[(sent: Int64, bucket: Int32)]>([])
    private let flushError = Mutex<String?>(nil)
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
            throw ReportError(path: candidate.path, reason: "cannot write the results folder (\(error.localizedDescription))")
        }
        directory = candidate
    }

    /// A finished call: one row of `calls.csv`, and the metrics.
    public func record(_ record: CallRecord) {
        calls.append(record)
        metrics.add(record)
        if let sent = record.sentAt, let answer = record.answerMs {
            let bucket = Int32(LatencyHistogram.index(of: Int64((answer * 1_000).rounded())))
            answers.withLock { $0.append((sent, bucket)) }
        }
    }

    /// A per-second snapshot: kept for the timeline; `calls.csv` is flushed with it.
    public func progress(_ progress: LoadRun.Progress) {
        timeline.withLock { $0.append(progress) }
        do { try calls.flush() } catch {
            flushError.withLock { $0 = $0 ?? "\(error)" }
        }
    }

    /// The first error met while flushing `calls.csv` during the run, if any.
    public var writeError: String? { flushError.withLock { $0 } }

    /// Where the reports were written: ``directory``, or the fallback folder when
    /// ``finish(result:plan:profile:thresholds:junit:html:fallbackBase:)`` had to use one.
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

    /// Evaluates `thresholds` and writes `calls.csv` (closing it), `timeline.csv`,
    /// `summary.json` and, when asked, `junit.xml` and `report.html`.
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
        junit: Bool = true, html: Bool = true, fallbackBase: URL? = nil
    ) throws -> RunSummary {
        let rows = timelineRows(clockStart: result.clockStart)
        var summary = RunSummary(result: result, plan: plan, metrics: metrics.snapshot, callRows: calls.rowCount)
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

    /// The report files other than `calls.csv`, rendered.
    private func files(
        _ summary: RunSummary, rows: [TimelineRow], verdicts: [ThresholdVerdict], plan: RunPlan,
        profile: (any Encodable & Sendable)?, junit: Bool, html: Bool
    ) throws -> [(name: String, data: Data)] {
        var files: [(name: String, data: Data)] = [("timeline.csv", Data(TimelineFile.csv(rows).utf8))]
        if junit {
            let xml = JUnitReport.render(
                name: plan.name, runID: plan.runID, durationSeconds: summary.durationSeconds, verdicts: verdicts)
            files.append(("junit.xml", Data(xml.utf8)))
        }
        let encoder = ReportJSON.encoder()
        var object = try JSONSerialization.jsonObject(with: try encoder.encode(summary)) as? [String: Any] ?? [:]
        if let profile {
            object["profile"] = try JSONSerialization.jsonObject(with: try encoder.encode(AnyEncodable(profile)))
        }
        files.append(
            ("summary.json", try ReportJSON.data(object)))
        if html {
            let profileJSON = try object["profile"].map {
                String(decoding: try ReportJSON.data($0), as: UTF8.self)
            } ?? ""
            let data = ReportData(
                summary: summary, timeline: rows, histograms: metrics.snapshot.latencies, thresholds: verdicts,
                profileJSON: profileJSON)
            files.append(("report.html", Data(HTMLReport.render(data).utf8)))
        }
        return files
    }

    /// Writes each file into `folder`.
    /// - Throws: ``ReportError`` naming the file that could not be written.
    private static func write(_ files: [(name: String, data: Data)], to folder: URL) throws(ReportError) {
        for file in files {
            let url = folder.appendingPathComponent(file.name)
            do { try file.data.write(to: url, options: .atomic) } catch {
                throw ReportError(path: url.path, reason: "cannot be written (\(error.localizedDescription))")
            }
        }
    }

    private static func describe(_ error: any Error) -> String {
        (error as? ReportError)?.description ?? error.localizedDescription
    }

    /// The per-second rows: progress deltas, and the answer latency of the calls sent
    /// in each second.
    public func timelineRows(clockStart: Int64) -> [TimelineRow] {
        let snapshots = timeline.withLock { $0 }
        var byRunSecond: [Int: [Int: Int64]] = [:]
        for (sent, bucket) in answers.withLock({ $0 }) {
            // A call sent during [start + k − 1, start + k) s belongs to row k.
            let runSecond = Int(max(0, sent - clockStart) / 1_000_000_000) + 1
            byRunSecond[runSecond, default: [:]][Int(bucket), default: 0] += 1
        }
        var rows = Timeline.rows(snapshots)
        for index in rows.indices {
            guard let counts = byRunSecond[rows[index].second] else { continue }
            rows[index].answerP50 = Timeline.percentile(counts, 50)
            rows[index].answerP95 = Timeline.percentile(counts, 95)
            rows[index].answerP99 = Timeline.percentile(counts, 99)
        }
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

private struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

/// The rows of `timeline.csv` (written by ``TimelineFile``): one per second of the run.
enum Timeline {
    /// Rows from the per-second progress snapshots (differences of the counters).
    static func rows(_ snapshots: [LoadRun.Progress]) -> [TimelineRow] {
        var rows: [TimelineRow] = []
        var previous = LoadRun.Progress(
            elapsed: 0, targetRate: 0, offered: 0, blocked: 0, inFlight: 0, outcomes: [:], offering: true)
        for snapshot in snapshots {
            let seconds = max(1e-9, snapshot.elapsed - previous.elapsed)
            let offered = snapshot.offered - previous.offered
            let notAnswered = { (p: LoadRun.Progress) in p.outcomes.filter { $0.key != .answered }.values.reduce(0, +) }
            rows.append(
                TimelineRow(
                    second: max((rows.last?.second ?? 0) + 1, Int(snapshot.elapsed.rounded())), targetRate: snapshot.targetRate, offered: offered,
                    achievedRate: Double(offered) / seconds, blocked: snapshot.blocked - previous.blocked,
                    answered: (snapshot.outcomes[.answered] ?? 0) - (previous.outcomes[.answered] ?? 0),
                    failed: notAnswered(snapshot) - notAnswered(previous), active: snapshot.inFlight,
                    heartbeatSessions: snapshot.heartbeatSessions))
            previous = snapshot
        }
        return rows
    }

    /// A percentile (ms) of sparse histogram counts (bucket index → count).
    static func percentile(_ counts: [Int: Int64], _ percentile: Double) -> Double? {
        let total = counts.values.reduce(0, +)
        guard total > 0 else { return nil }
        let rank = max(1, Int64((Double(total) * percentile / 100).rounded(.up)))
        var seen: Int64 = 0
        for index in counts.keys.sorted() {
            seen += counts[index]!
            if seen >= rank { return Double(LatencyHistogram.midpoint(of: index)) / 1_000 }
        }
        return nil
    }
}
