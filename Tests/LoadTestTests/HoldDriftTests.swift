import Foundation
import LoadTest
import Testing

/// `hold_drift_ms`: how far each call held as planned was from its planned hold, and
/// the warning a run gives when the 99th percentile passes 50 ms.
@Suite struct HoldDriftTests {
    /// A call answered at server time 1 s (µs) and hung up `heldMs` later, with a
    /// planned hold of 3 s unless said otherwise.
    static func record(_ outcome: CallRecord.Outcome, heldMs: Int64, planned: Int64? = 3_000_000_000) -> CallRecord {
        var record = CallRecord(seq: 0, callUUID: "c", slave: "s", app: nil, scheduledAt: 0)
        record.outcome = outcome
        record.plannedHold = planned
        record.serverAnswered = 1_000_000
        record.serverHangup = 1_000_000 + heldMs * 1_000
        return record
    }

    @Test func driftIsTheDistanceFromThePlannedHoldOfCallsHeldAsPlanned() {
        #expect(Self.record(.answered, heldMs: 3_020).holdDriftMs == 20)
        #expect(Self.record(.answered, heldMs: 2_960).holdDriftMs == 40)
        #expect(Self.record(.answered, heldMs: 3_000).holdDriftMs == 0)
        // Cut on purpose by someone else, or never planned: no drift.
        #expect(Self.record(.dropped, heldMs: 1_200).holdDriftMs == nil)
        #expect(Self.record(.answered, heldMs: 3_020, planned: nil).holdDriftMs == nil)
    }

    @Test func theMetricsKeepItAsALatencyAndTheRunWarnsPastFiftyMilliseconds() throws {
        let metrics = RunMetrics()
        for held in [3_000, 3_010, 3_020] { metrics.add(Self.record(.answered, heldMs: Int64(held))) }
        metrics.add(Self.record(.dropped, heldMs: 500))
        let drift = try #require(metrics.snapshot.latencies["hold_drift_ms"])
        #expect(drift.count == 3)
        #expect(RunSummary.holdDriftWarning(p50: 10, p99: 50, max: 60, plannedSeconds: 3) == nil)
        let warning = try #require(RunSummary.holdDriftWarning(p50: 900, p99: 2_100, max: 2_400, plannedSeconds: 3))
        #expect(warning.hasPrefix("holds drifted from the planned 3 s: hold_drift_ms p50 900.0, p99 2100.0"))
    }
}
