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
