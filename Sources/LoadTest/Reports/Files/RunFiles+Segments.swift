/// Merging the segments of one scenario (`switchy run --segment I/N` on N hosts).
extension RunFiles {
    /// Why `runs` are not the segments of one scenario that can be merged (nil when
    /// they are, or when none is a segment): a whole run among segments, segments of
    /// another run group or of another count N, a segment given twice, or segments
    /// missing (named: `2/5, 4/5`).
    public static func segmentProblem(_ runs: [RunFiles]) -> ReportError? {
        guard let first = runs.first(where: { $0.summary.segment != nil }), let segment = first.summary.segment else {
            return nil
        }
        func folder(_ run: RunFiles) -> String { run.sources.first?.path ?? run.summary.runID }
        let group = first.summary.runGroup ?? "(none)"
        let described = "segment \(segment) of run group \(group)"
        var seen: [Int: RunFiles] = [:]
        for run in runs {
            guard let other = run.summary.segment else {
                return ReportError(
                    path: folder(run),
                    reason: "a whole run (no segment), but \(folder(first)) is \(described); merge the segments of one group only")
            }
            let otherGroup = run.summary.runGroup ?? "(none)"
            if otherGroup != group || other.count != segment.count {
                return ReportError(
                    path: folder(run),
                    reason: "segment \(other) of run group \(otherGroup), from another group than \(folder(first)) "
                        + "(\(described)); merge the segments of one group only")
            }
            if let earlier = seen[other.index] {
                return ReportError(
                    path: folder(run),
                    reason: "segment \(other) of run group \(group) again (also \(folder(earlier)), run \(earlier.summary.runID)); "
                        + "give each segment once")
            }
            seen[other.index] = run
        }
        let missing = (1...segment.count).filter { seen[$0] == nil }
        guard missing.isEmpty else {
            let names = missing.map { "\($0)/\(segment.count)" }.joined(separator: ", ")
            return ReportError(
                path: folder(first),
                reason: "run group \(group) has \(segment.count) segments; missing \(names) (given: "
                    + seen.keys.sorted().map { "\($0)/\(segment.count)" }.joined(separator: ", ") + ")")
        }
        return nil
    }

    /// What a merge of the complete segments of one group says of itself: `merged N
    /// segments of run group G` (nil when the runs are not segments).
    static func segmentsNote(_ runs: [RunFiles]) -> (group: String?, note: String)? {
        guard let segment = runs.lazy.compactMap(\.summary.segment).first else { return nil }
        let group = runs.lazy.compactMap(\.summary.runGroup).first
        return (group, "merged \(segment.count) segments of run group \(group ?? "(none)")")
    }
}

extension SearchSummary {
    /// One search made of the segments' (`parts`, each with its segment): a step's
    /// counts add up (offered, blocked, answered, dropped, still up; ASR from them),
    /// its latencies are the highest segment's (an upper bound: a segment's p95 is not
    /// the whole's) and its idle CPU the lowest; it failed when a segment's step
    /// failed (that rule and message, naming the segment), else is invalid when one
    /// was, unjudged when one was or a segment never reached it, else passed.
    static func merged(_ parts: [(segment: ExecutionSegment, search: SearchSummary)]) -> SearchSummary {
        let count = parts.map(\.search.steps.count).max() ?? 0
        var steps: [Step] = []
        for index in 0..<count {
            let found = parts.compactMap { part in part.search.steps.first { $0.step == index }.map { (part.segment, $0) } }
            guard var step = found.first?.1 else { continue }
            let all = found.map(\.1)
            step.offered = all.reduce(0) { $0 + $1.offered }
            step.blocked = all.reduce(0) { $0 + $1.blocked }
            step.answered = all.reduce(0) { $0 + $1.answered }
            step.dropped = all.reduce(0) { $0 + $1.dropped }
            step.stillUp = all.reduce(0) { $0 + $1.stillUp }
            step.asr = RunSummary.answerSeizureRatio(answered: step.answered + step.dropped, offered: step.offered)
            step.answerP95Ms = all.compactMap(\.answerP95Ms).max()
            step.scheduleLagP99Ms = all.compactMap(\.scheduleLagP99Ms).max()
            step.slaveIdleCPUMin = all.compactMap(\.slaveIdleCPUMin).min()
            step.judgedAtSecond = all.contains { $0.judgedAtSecond == nil } ? nil : all.compactMap(\.judgedAtSecond).max()
            step.brokenRule = nil
            step.message = nil
            if let (segment, failed) = found.first(where: { $0.1.verdict == .failed }) {
                step.verdict = .failed
                step.brokenRule = failed.brokenRule
                step.message = "segment \(segment): " + (failed.message ?? "")
            } else if let (segment, invalid) = found.first(where: { $0.1.verdict == .invalid }) {
                step.verdict = .invalid
                step.message = "segment \(segment): " + (invalid.message ?? "")
            } else if found.count < parts.count || all.contains(where: { $0.verdict == .unjudged }) {
                step.verdict = .unjudged
            } else {
                step.verdict = .passed
            }
            steps.append(step)
        }
        let stop = parts.lazy.compactMap { part in part.search.stopReason.map { "segment \(part.segment): \($0)" } }.first
        var merged = SearchSummary(steps: steps, stopReason: stop)
        merged.kneeAboveMax = parts.allSatisfy(\.search.kneeAboveMax)
        return merged
    }
}
