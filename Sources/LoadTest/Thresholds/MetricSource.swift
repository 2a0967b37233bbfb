/// The metrics thresholds can name, read from a run's summary.
public struct MetricSource: Sendable {
    /// Counts and rates: `offered`, `blocked`, each outcome, `asr` ((answered +
    /// dropped) / offered), `drop_rate` (dropped / (answered + dropped)), `acd_s` (mean
    /// hold of answered calls, dropped included, s), `achieved_rate`, `target_rate`;
    /// and the slaves' own figures over all slaves (``SlaveHealth/Summary``):
    /// `slave_idle_cpu.min`, `slave_sessions.max`, `slave_sps.max`.
    public static let scalars = [
        "offered", "blocked", "answered", "dropped", "rejected", "no_answer", "failed", "cancelled", "lost", "asr",
        "drop_rate", "acd_s", "achieved_rate", "target_rate", "no_media",
    ] + healthMetrics
    /// The slaves' own figures (``SlaveHealth/Summary``) as threshold metrics.
    public static let healthMetrics = ["slave_idle_cpu.min", "slave_sessions.max", "slave_sps.max"]
    /// Statistics of each latency and quality figure (`answer_ms.p99`, `mos.p5`):
    /// `p99.9` may be written `p99_9`.
    public static let statistics = ["count", "min", "p1", "p5", "p10", "p50", "p90", "p95", "p99", "p99_9", "p99.9", "max", "mean", "stddev"]

    private let values: [String: Double]

    /// A source with the given values (by metric name).
    public init(values: [String: Double]) {
        self.values = values
    }

    public init(summary: RunSummary) {
        var values: [String: Double] = [
            "offered": Double(summary.offered), "blocked": Double(summary.blocked),
            "achieved_rate": summary.achievedRate, "target_rate": summary.targetRate,
        ]
        for (outcome, count) in summary.outcomes { values[outcome] = Double(count) }
        if let asr = summary.asr { values["asr"] = asr }
        if let dropRate = summary.dropRate { values["drop_rate"] = dropRate }
        if let acd = summary.acdSeconds { values["acd_s"] = acd }
        values["no_media"] = Double(summary.noMedia)
        values.merge(Self.healthValues(summary.slaves.values.compactMap(\.health))) { own, _ in own }
        for (name, p) in summary.latencyMs.merging(summary.quality, uniquingKeysWith: { latency, _ in latency }) {
            let stats: [(String, Double?)] = [
                ("count", Double(p.count)), ("min", p.min), ("p1", p.p1), ("p5", p.p5), ("p10", p.p10), ("p50", p.p50), ("p90", p.p90), ("p95", p.p95),
                ("p99", p.p99), ("p99_9", p.p99_9), ("p99.9", p.p99_9), ("max", p.max), ("mean", p.mean),
                ("stddev", p.stddev),
            ]
            for case (let stat, let value?) in stats { values["\(name).\(stat)"] = value }
        }
        self.values = values
    }

    /// This source with `extra` values added (the slaves' figures of a part of a run).
    public func adding(_ extra: [String: Double]) -> MetricSource {
        MetricSource(values: values.merging(extra) { _, added in added })
    }

    /// The slaves' figures over all slaves (``healthMetrics``), from each slave's
    /// summary; a figure no slave reported is left out (no data).
    static func healthValues(_ health: [SlaveHealth.Summary]) -> [String: Double] {
        var values: [String: Double] = [:]
        if let idle = health.compactMap(\.minIdleCPU).min() { values["slave_idle_cpu.min"] = idle }
        if let sessions = health.compactMap(\.peakSessions).max() { values["slave_sessions.max"] = Double(sessions) }
        if let sps = health.compactMap(\.peakSessionsPerSecond).max() { values["slave_sps.max"] = Double(sps) }
        return values
    }

    /// The value of a metric, or nil when the run has no data for it.
    public func value(_ name: String) -> Double? { values[name] }

    static func isKnown(_ name: String) -> Bool {
        if scalars.contains(name) { return true }
        guard let dot = name.firstIndex(of: ".") else { return false }
        let base = String(name[..<dot])
        let stat = String(name[name.index(after: dot)...])
        return RunMetrics.statisticNames.contains(base) && statistics.contains(stat)
    }

    static func unknownReason(_ name: String) -> String {
        if let dot = name.firstIndex(of: "."), RunMetrics.statisticNames.contains(String(name[..<dot])) {
            return "unknown statistic in \"\(name)\"; expected one of \(statistics.joined(separator: ", "))"
        }
        if RunMetrics.statisticNames.contains(name) {
            return "\"\(name)\" needs a statistic, e.g. \(name).p99"
        }
        return "unknown metric \"\(name)\"; expected one of \(scalars.joined(separator: ", ")) or a latency or quality figure "
            + "(\(RunMetrics.statisticNames.joined(separator: ", "))) with a statistic, e.g. answer_ms.p99 or mos.p5"
    }
}
