import LoadTest

extension SummaryTable {
    /// The end-of-run table's lines for a capacity search (one per step, then the
    /// answer) and an aborting threshold that stopped the run.
    static func searchLines(_ summary: RunSummary) -> [String] {
        var lines: [String] = []
        if let search = summary.search {
            lines.append("  capacity search:")
            for step in search.steps {
                let asr = step.asr.map { String(format: "asr %.2f%%", $0 * 100) } ?? "asr -"
                let p95 = step.answerP95Ms.map { String(format: "answer p95 %.1f ms", $0) } ?? "answer p95 -"
                var line = String(format: "    step %d  %.2f/s  offered %d  ", step.step, step.rate, step.offered)
                line += "\(asr)  \(p95)  dropped \(step.dropped)  \(step.verdict.rawValue)"
                if let message = step.message { line += " (\(step.brokenRule.map { "\($0): " } ?? "")\(message))" }
                lines.append(line)
            }
            let answer: String
            switch (search.maxSustainedCps, search.kneeAboveMax) {
            case (let rate?, true): answer = String(format: "%.2f calls/s held: every step up to max passed, the knee is above it", rate)
            case (let rate?, false): answer = String(format: "%.2f calls/s held", rate) + (search.brokenRule.map { "; first broken: \"\($0)\"" } ?? "")
            case (nil, _): answer = "no step held" + (search.brokenRule.map { "; first broken: \"\($0)\"" } ?? "")
            }
            lines.append("  max sustained: \(answer)")
            if let reason = search.stopReason { lines.append("  search stopped: \(reason)") }
        }
        if let abort = summary.abort { lines.append("  ABORTED: threshold \(abort)") }
        return lines
    }
}
