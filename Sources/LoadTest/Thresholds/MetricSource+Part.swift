import Foundation

extension MetricSource {
    /// The metrics of part of a run — a search step's calls, an aborting threshold's
    /// window — computed as the run's are: the records aggregated by ``RunMetrics`` and
    /// counted by the summary's one definition (``RunSummary/setCounts(from:histograms:)``:
    /// ASR, drop rate, ACD, percentiles), so a step's `asr` means what the run's does.
    /// - Parameters:
    ///   - metrics: the part's records, aggregated.
    ///   - offered: calls offered in the part (its ASR's denominator; may exceed the
    ///     records when some calls are still up).
    ///   - blocked: calls due in the part that the limit kept from being made.
    ///   - seconds: the part's length (for `achieved_rate`).
    ///   - targetRate: the schedule's rate over the part.
    public init(part metrics: RunMetrics.Snapshot, offered: Int, blocked: Int = 0, seconds: Double, targetRate: Double) {
        self.init(
            summary: RunSummary(part: metrics, offered: offered, blocked: blocked, seconds: seconds, targetRate: targetRate))
    }
}

extension RunSummary {
    /// A summary of part of a run, for its metrics only: counts, rates and
    /// percentiles; no names, slaves' facts or notes.
    init(part metrics: RunMetrics.Snapshot, offered: Int, blocked: Int, seconds: Double, targetRate: Double) {
        name = ""
        runID = ""
        startedAt = Date(timeIntervalSince1970: 0)
        endedAt = startedAt
        durationSeconds = seconds
        offeringSeconds = seconds
        interrupted = false
        self.offered = offered
        self.blocked = blocked
        callRows = metrics.records
        self.targetRate = targetRate
        achievedRate = Self.rate(offered, over: seconds)
        slaves = [:]
        warnings = []
        notes = []
        setCounts(from: metrics, histograms: metrics.latencies)
    }
}
