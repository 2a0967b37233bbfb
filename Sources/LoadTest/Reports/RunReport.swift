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
    private let flushError = Mutex<String?>(nil)

    /// Creates the folder and opens `calls.csv`.
    /// - Throws: ``ReportError`` naming the folder when it cannot be created or written.
    public init(base: String, name: String, start: Date, clock: WallClockMapping) throws(ReportError) {
        let stamp = Self.stamp(start)
        let safeName = String(name.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
        let fileManager = FileManager.default
        var candidate = URL(fileURLWithPath: base).appendingPathComponent("\(stamp)-\(safeName)")
        var suffix = 2
        while fileManager.fileExists(atPath: candidate.path) {
            candidate = URL(fileURLWithPath: base).appendingPathComponent("\(stamp)-\(safeName)-\(suffix)")
            suffix += 1
        }
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

    /// Closes `calls.csv`, evaluates `thresholds` and writes `timeline.csv`,
    /// `summary.json` and, when `junit` is set, `junit.xml`.
    @discardableResult
    public func finish(
        result: LoadRun.Result, plan: RunPlan, profile: (any Encodable & Sendable)?, thresholds: [Threshold],
        junit: Bool = true
    ) throws -> RunSummary {
        try calls.close()
        let rows = timeline.withLock { $0 }
        try Timeline.csv(rows).write(to: directory.appendingPathComponent("timeline.csv"), atomically: true, encoding: .utf8)
        var summary = RunSummary(result: result, plan: plan, metrics: metrics.snapshot, callRows: calls.rowCount)
        let source = MetricSource(summary: summary)
        let verdicts = thresholds.map { $0.evaluate(source) }
        summary.thresholds = verdicts.map {
            .init(expression: $0.expression, passed: $0.passed, measured: $0.measured, message: $0.message)
        }
        summary.passed = verdicts.allSatisfy(\.passed)
        if junit {
            try JUnitReport.render(
                name: plan.name, runID: plan.runID, durationSeconds: summary.durationSeconds, verdicts: verdicts
            ).write(to: directory.appendingPathComponent("junit.xml"), atomically: true, encoding: .utf8)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var object = try JSONSerialization.jsonObject(with: try encoder.encode(summary)) as? [String: Any] ?? [:]
        if let profile {
            object["profile"] = try JSONSerialization.jsonObject(with: try encoder.encode(AnyEncodable(profile)))
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try data.write(to: directory.appendingPathComponent("summary.json"))
        return summary
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

/// `timeline.csv`: one row per second of the run.
enum Timeline {
    static let columns = [
        "second", "target_rate", "offered", "achieved_rate", "blocked", "answered", "failed", "active",
    ]

    static func csv(_ rows: [LoadRun.Progress]) -> String {
        var text = columns.joined(separator: ",") + "\n"
        var previous = LoadRun.Progress(
            elapsed: 0, targetRate: 0, offered: 0, blocked: 0, inFlight: 0, outcomes: [:], offering: true)
        for row in rows {
            let seconds = max(1e-9, row.elapsed - previous.elapsed)
            let offered = row.offered - previous.offered
            let answered = (row.outcomes[.answered] ?? 0) - (previous.outcomes[.answered] ?? 0)
            let failed = row.outcomes.filter { $0.key != .answered }.values.reduce(0, +)
                - previous.outcomes.filter { $0.key != .answered }.values.reduce(0, +)
            text += [
                String(format: "%.0f", row.elapsed.rounded()), String(format: "%.2f", row.targetRate), String(offered),
                String(format: "%.2f", Double(offered) / seconds), String(row.blocked - previous.blocked),
                String(answered), String(failed), String(row.inFlight),
            ].joined(separator: ",") + "\n"
            previous = row
        }
        return text
    }
}
