import Foundation

/// Merging the runs of several generator hosts, each driving its own slaves, into one.
extension RunFiles {
    /// How the runs of a merge are laid on one time axis.
    public enum Alignment: String, Sendable, CaseIterable {
        /// By wall-clock time: runs that ran together add up second by second.
        case wallClock = "wall-clock"
        /// By offset from each run's start of offering: runs made at different times
        /// (one scenario run once a day, say) are laid over each other.
        case start
    }

    /// Why `runs` cannot be merged: the same run given twice (same run id), or
    /// segments that are not one complete group (``segmentProblem(_:)``).
    public static func mergeProblem(_ runs: [RunFiles]) -> ReportError? {
        var seen: [String: RunFiles] = [:]
        for run in runs {
            if let first = seen[run.summary.runID] {
                let folder = run.sources.first?.path ?? run.summary.runID
                let earlier = first.sources.first?.path ?? first.summary.runID
                return ReportError(
                    path: folder, reason: "the same run as \(earlier) (run id \(run.summary.runID)); give each run once")
            }
            seen[run.summary.runID] = run
        }
        // One segment alone is re-rendered as it is.
        return runs.count > 1 ? segmentProblem(runs) : nil
    }

    /// A warning when, merged by wall-clock time, some run (from its start to its end,
    /// draining included) overlaps no other run: the merged timeline is then long and
    /// mostly empty, and its rates low.
    public static func overlapWarning(_ runs: [RunFiles]) -> String? {
        guard runs.count > 1 else { return nil }
        let spans = runs.map { run in (run: run, start: run.summary.startedAt, end: run.summary.endedAt) }
        let alone = spans.filter { span in
            !spans.contains { other in other.run.summary.runID != span.run.summary.runID && other.start < span.end && span.start < other.end }
        }
        guard !alone.isEmpty else { return nil }
        let names = alone.map { "\($0.run.summary.runID) (\(HTMLReport.timestamp($0.run.summary.startedAt)))" }
        return "\(names.joined(separator: ", ")) overlap no other run in time: merged by wall clock, the timeline "
            + "has gaps and the rates are per second of the whole span; --align start lays the runs over each other"
    }

    /// One run made of `runs`: calls concatenated, histograms merged exactly (counts
    /// added), timelines aligned on seconds from each run's start of offering — by
    /// wall-clock time, or laid over each other with `align: .start` — (rows' target,
    /// blocked, failed and active added; the calls' own figures recomputed from all the
    /// calls, ``Timeline/setCallFigures(_:calls:start:)``), totals added. Rates are per
    /// second of the merged offering time (from the first start to the last end of
    /// offering), so simultaneous hosts' rates add up.
    ///
    /// The merged run is judged again over its own figures, by every rule any of its
    /// runs was judged by (once each, in order of first appearance; SIPp's defaults
    /// when none had rules of its own): `summary.json`, the page and JUnit say the same.
    /// - Precondition: `runs` is not empty, and ``mergeProblem(_:)`` found none.
    public static func merge(_ runs: [RunFiles], align: Alignment = .wallClock) -> RunFiles {
        precondition(!runs.isEmpty, "nothing to merge")
        if runs.count == 1 { return runs[0] }
        let ordered = runs.enumerated().sorted {
            ($0.element.timelineStart, $0.offset) < ($1.element.timelineStart, $1.offset)
        }.map(\.element)
        let start = ordered.map(\.clock.unixMicrosecondsStart).min() ?? 0
        let clock = WallClockMapping(monotonicStart: 0, unixMicrosecondsStart: start)
        let timelineStart = ordered[0].timelineStart

        var records: [CallRecord] = []
        var histograms: [String: LatencyHistogram] = [:]
        var timeline: [Int: TimelineRow] = [:]
        var summary = ordered[0].summary
        var offering = 0.0
        var scheduled = 0.0
        var slaves: [String: RunSummary.SlaveSummary] = [:]
        var warnings: [String] = []
        var calls: [Timeline.Call] = []
        for run in ordered {
            // With `.start`, each run is moved back by how much later than the first it began.
            let moveBack = align == .start ? run.timelineStart - timelineStart : 0
            let shift = (run.clock.unixMicrosecondsStart - start - moveBack) * 1_000 - run.clock.monotonicStart
            records += run.records.map { $0.shifted(by: shift) }
            calls += run.timelineCalls.map { $0.shifted(by: -moveBack) }
            for (name, histogram) in run.histograms { histograms[name, default: LatencyHistogram()].merge(histogram) }
            let offsetSeconds = Double(run.timelineStart - moveBack - timelineStart) / 1_000_000
            let offset = Int(offsetSeconds.rounded())
            for row in run.timeline {
                let second = row.second + offset
                timeline[second] = timeline[second].map { $0 + row } ?? row.moved(to: second)
            }
            offering = Swift.max(offering, offsetSeconds + run.summary.offeringSeconds)
            scheduled += run.summary.targetRate * run.summary.offeringSeconds
            for (name, slave) in run.summary.slaves {
                var merged = slaves[name] ?? RunSummary.SlaveSummary(outcomes: [:], events: [])
                merged.events += slave.events.map { .init(atSecond: $0.atSecond + offsetSeconds, up: $0.up, note: $0.note) }
                merged.maxSessionsPerSecond = merged.maxSessionsPerSecond ?? slave.maxSessionsPerSecond
                merged.maxSessions = merged.maxSessions ?? slave.maxSessions
                merged.limit = merged.limit ?? slave.limit
                merged.weight = merged.weight ?? slave.weight
                merged.heartbeatSessionCount = merged.heartbeatSessionCount ?? slave.heartbeatSessionCount
                merged.heartbeatIdleCPU = merged.heartbeatIdleCPU ?? slave.heartbeatIdleCPU
                merged.health = merged.health.map { health in slave.health.map { health + $0 } ?? health } ?? slave.health
                slaves[name] = merged
            }
            warnings += run.summary.warnings.map { "\(run.summary.runID): \($0)" }
        }
        if let last = timeline.keys.max(), let first = timeline.keys.min() {
            for second in first...last where timeline[second] == nil {
                timeline[second] = TimelineRow(
                    second: second, targetRate: 0, offered: 0, achievedRate: 0, blocked: 0, answered: 0, failed: 0, active: 0)
            }
        }
        var rows = timeline.keys.sorted().compactMap { timeline[$0] }
        Timeline.setCallFigures(&rows, calls: calls, start: timelineStart)

        var names: [String] = []
        for run in ordered where !names.contains(run.summary.name) { names.append(run.summary.name) }
        summary.name = names.joined(separator: " + ")
        summary.runID = ordered.map(\.summary.runID).joined(separator: "+")
        summary.startedAt = ordered.map(\.summary.startedAt).min() ?? summary.startedAt
        summary.endedAt = ordered.map(\.summary.endedAt).max() ?? summary.endedAt
        if align == .start {
            // Laid over each other: as long as the longest run.
            let longest = ordered.map { $0.summary.endedAt.timeIntervalSince($0.summary.startedAt) }.max() ?? 0
            summary.endedAt = summary.startedAt.addingTimeInterval(longest)
        }
        summary.durationSeconds = summary.endedAt.timeIntervalSince(summary.startedAt)
        summary.offeringSeconds = offering
        summary.interrupted = ordered.contains { $0.summary.interrupted }
        summary.interruption = ordered.lazy.compactMap(\.summary.interruption).first
        summary.offered = ordered.reduce(0) { $0 + $1.summary.offered }
        summary.blocked = ordered.reduce(0) { $0 + $1.summary.blocked }
        summary.callRows = records.count
        summary.targetRate = scheduled / Swift.max(offering, 1e-9)
        summary.timelineStartUs = timelineStart
        summary.achievedRate = RunSummary.rate(summary.offered, over: offering)
        summary.slaves = slaves
        summary.warnings = warnings
        summary.segment = nil
        summary.runGroup = nil
        if let segments = segmentsNote(ordered) {
            summary.runGroup = segments.group
            summary.notes.append(segments.note)
            let searches = ordered.compactMap { run in
                run.summary.segment.flatMap { segment in run.summary.search.map { (segment, $0) } }
            }
            if !searches.isEmpty { summary.search = SearchSummary.merged(searches.sorted { $0.0.index < $1.0.index }) }
        }
        summary.setCounts(from: metrics(records), histograms: histograms)
        summary.judge(by: rules(of: ordered))

        let header = ordered.reduce(into: [String]()) { header, run in
            for column in run.callsHeader where !header.contains(column) { header.append(column) }
        }
        let callRows = ordered.flatMap { run in
            let positions = header.map { run.callsHeader.firstIndex(of: $0) }
            return run.callRows.map { row in positions.map { $0.map { row[$0] } ?? "" } }
        }
        return RunFiles(
            sources: ordered.flatMap(\.sources), summary: summary, records: records, timelineCalls: calls,
            timelineStart: timelineStart, clock: clock, histograms: histograms,
            timeline: rows, thresholds: summary.thresholds, callsHeader: header, callRows: callRows,
            extraJSON: mergedExtra(ordered, align: align))
    }

    /// Every rule the runs were judged by, once each in order of first appearance;
    /// none (so the defaults) when every run was judged by the defaults.
    private static func rules(of runs: [RunFiles]) -> [Threshold] {
        var texts: [String] = []
        for run in runs where !run.summary.defaultThresholds {
            for verdict in run.summary.thresholds where !texts.contains(verdict.expression) { texts.append(verdict.expression) }
        }
        return texts.compactMap { try? Threshold($0) }
    }

    /// `profiles` (each run's profile by run id) and `merged_from` (run id, name, start,
    /// folder of each run).
    private static func mergedExtra(_ runs: [RunFiles], align: Alignment) -> Data {
        var profiles: [String: Any] = [:]
        var sources: [[String: Any]] = []
        for run in runs {
            let extra = (try? JSONSerialization.jsonObject(with: run.extraJSON)) as? [String: Any] ?? [:]
            if let profile = extra["profile"] { profiles[run.summary.runID] = profile }
            var source: [String: Any] = [
                "run_id": run.summary.runID, "name": run.summary.name, "folder": run.sources.first?.path ?? "",
                "started_at": HTMLReport.timestamp(run.summary.startedAt), "offered": run.summary.offered,
            ]
            if let segment = run.summary.segment { source["segment"] = "\(segment)" }
            sources.append(source)
        }
        let object: [String: Any] = ["profiles": profiles, "merged_from": sources, "merge_alignment": align.rawValue]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }
}

extension CallRecord {
    /// The record with its local (monotonic) times moved by `nanoseconds`.
    func shifted(by nanoseconds: Int64) -> CallRecord {
        guard nanoseconds != 0 else { return self }
        var record = self
        record.scheduledAt += nanoseconds
        func move(_ time: Int64?) -> Int64? { time.map { $0 + nanoseconds } }
        record.sentAt = move(sentAt)
        record.createdAt = move(createdAt)
        record.progressAt = move(progressAt)
        record.answeredAt = move(answeredAt)
        record.jobDoneAt = move(jobDoneAt)
        record.hangupAt = move(hangupAt)
        record.hangupRequestedAt = move(hangupRequestedAt)
        return record
    }
}

extension Timeline.Call {
    /// The call with its times moved by `microseconds`.
    func shifted(by microseconds: Int64) -> Timeline.Call {
        guard microseconds != 0 else { return self }
        var call = self
        call.offeredAt += microseconds
        call.answeredAt = answeredAt.map { $0 + microseconds }
        call.endedAt = endedAt.map { $0 + microseconds }
        return call
    }
}

extension TimelineRow {
    /// Two hosts' same wall-clock second: counts and rates add (percentiles are set
    /// afterwards from the records).
    static func + (lhs: TimelineRow, rhs: TimelineRow) -> TimelineRow {
        TimelineRow(
            second: lhs.second, targetRate: lhs.targetRate + rhs.targetRate, offered: lhs.offered + rhs.offered,
            achievedRate: lhs.achievedRate + rhs.achievedRate, blocked: lhs.blocked + rhs.blocked,
            answered: lhs.answered + rhs.answered, failed: lhs.failed + rhs.failed, dropped: lhs.dropped + rhs.dropped,
            active: lhs.active + rhs.active,
            heartbeatSessions: lhs.heartbeatSessions.map { $0 + (rhs.heartbeatSessions ?? 0) } ?? rhs.heartbeatSessions
        ).with(slaves: lhs.slaves + rhs.moved(to: lhs.second).slaves)
    }

    /// The row at another second.
    func moved(to second: Int) -> TimelineRow {
        var row = self
        row.second = second
        for index in row.slaves.indices { row.slaves[index].second = second }
        return row
    }
}
