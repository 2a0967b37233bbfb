import Foundation
import LoadTest

/// The end-of-run summary on stderr: a compact table of the key figures (k6-like).
enum SummaryTable {
    static func render(_ summary: RunSummary, directory: String) -> String {
        var lines: [String] = []
        func row(_ name: String, _ value: String) {
            lines.append("  " + name.padding(toLength: 22, withPad: ".", startingAt: 0) + " " + value)
        }
        lines.append("")
        let interrupted = summary.interrupted ? " — interrupted" + (summary.interruption.map { " by \($0)" } ?? "") : ""
        lines.append("switchy: \(summary.name) (\(summary.runID))\(interrupted)")
        if let segment = summary.segment { row("segment", "\(segment) of run group \(summary.runGroup ?? "-")") }
        if summary.segment == nil, let group = summary.runGroup { row("run group", group) }
        row("calls offered", "\(summary.offered) in \(String(format: "%.1f", summary.offeringSeconds)) s")
        row("rate", String(format: "%.2f/s achieved, %.2f/s target", summary.achievedRate, summary.targetRate))
        let outcomes = CallRecord.Outcome.allCases.compactMap { outcome -> String? in
            let count = summary.outcomes[outcome.rawValue] ?? 0
            return count > 0 ? "\(outcome.rawValue) \(count)" : nil
        }
        row("outcomes", outcomes.isEmpty ? "none" : outcomes.joined(separator: ", "))
        if summary.blocked > 0 { row("blocked (limit)", "\(summary.blocked)") }
        let asr = summary.asr.map { String(format: "%.2f%%", $0 * 100) } ?? "-"
        let dropRate = summary.dropRate.map { String(format: "%.2f%%", $0 * 100) } ?? "-"
        row("asr", "\(asr)  (drop rate \(dropRate): \(summary.dropped) dropped of \(summary.answered + summary.dropped) answered)")
        if let acd = summary.acdSeconds { row("acd", String(format: "%.3f s (mean hold of answered calls)", acd)) }
        for name in ["answer_ms", "pdd_ms", "setup_ms_from_schedule", "schedule_lag_ms", "send_queue_ms", "hold_drift_ms"] {
            guard let p = summary.latencyMs[name] else { continue }
            row(name, String(format: "p50 %.1f  p95 %.1f  p99 %.1f  max %.1f", p.p50, p.p95, p.p99, p.max))
        }
        if let mos = summary.quality["mos"] {
            let low = [("min", mos.min), ("p1", mos.p1), ("p5", mos.p5), ("p50", mos.p50)].compactMap { name, value in
                value.map { name + String(format: " %.2f", $0) }
            }
            row("mos", low.joined(separator: "  ") + "  (\(mos.count) calls with RTP)")
        }
        if let loss = summary.quality["rtp_loss_pct"] {
            row("rtp_loss_pct", String(format: "p50 %.2f  p99 %.2f  max %.2f", loss.p50, loss.p99, loss.max))
        }
        if summary.noMedia > 0 { row("no_media", "\(summary.noMedia) answered calls received no RTP") }
        if !summary.hangupCauses.isEmpty {
            let causes = summary.hangupCauses.sorted { $0.value > $1.value }.prefix(5).map { "\($0.key) \($0.value)" }
            row("hangup causes", causes.joined(separator: ", "))
        }
        for (name, slave) in summary.slaves.sorted(by: { $0.key < $1.key }) {
            guard let health = slave.health else { continue }
            let idle = health.minIdleCPU.map { String(format: "idle CPU min %.1f%%", $0) } ?? "idle CPU not read"
            let gaps = health.missed > 0 ? ", \(health.missed) s without a reading" : ""
            row(name, "\(idle), peak \(health.peakSessions.map(String.init) ?? "-") sessions, \(health.peakSessionsPerSecond.map(String.init) ?? "-") sessions/s\(gaps)")
        }
        for setting in summary.prepare ?? [] {
            let restored = setting.restored ? "put back" : "NOT put back (\(setting.error ?? "unknown")): set it by hand"
            row("prepare", "\(setting.slave): fsctl \(setting.setting) \(setting.previous) → \(setting.value) for the run, \(restored)")
        }
        lines += searchLines(summary)
        if summary.defaultThresholds { lines.append("  no thresholds: judged by the default rules") }
        for verdict in summary.thresholds {
            lines.append("  \(verdict.passed ? "✓" : "✗") \(verdict.expression)  (\(verdict.message))")
        }
        lines.append("  verdict: \(summary.verdict)")
        for warning in summary.warnings { lines.append("  warning: \(warning)") }
        lines.append("  reports: \(directory)")
        return lines.joined(separator: "\n")
    }
}
