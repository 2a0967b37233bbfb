import Foundation
@testable import LoadTest
import Testing

/// What a whole run (``RunSessionHarness``: simulators, a ``ManualRunClock``) gives the
/// live metrics through its snapshots.
@Suite(.timeLimit(.minutes(1))) struct LiveMetricsRunTests {
    /// Every snapshot counts each offered call once by slave and app; the last one
    /// has each slave, up, with the figures its health reads gave; the metrics of
    /// every record and the last snapshot count each offered call once by outcome.
    @Test func snapshotsCarryOffersBySlaveAndAppAndTheSlavesFigures() async throws {
        let slaves = """
            [{ sim: { answer_delay: 0, ring_delay: 0, sps: 1000, idle_cpu: 90, cpu_per_session: 2 } },
             { sim: { answer_delay: 0, ring_delay: 0, sps: 1000 } }]
            """
        let harness = try RunSessionHarness(
            "{ name: 'live', slaves: \(slaves), call: { dest: 'echo@{sip}' }, load: { rate: 10, limit: 100, duration: 1, run_time: 2, grace: 30 } }")
        let outcome = try await harness.run(offering: 2)
        let snapshots = harness.collector.snapshots
        #expect(!snapshots.isEmpty)
        for snapshot in snapshots {
            #expect(snapshot.offeredBy.values.reduce(0, +) == snapshot.offered)
        }
        let last = try #require(snapshots.last)
        #expect(last.offered == outcome.result.offered && last.offered > 0)
        #expect(Set(last.offeredBy.keys.map(\.slave)).isSubset(of: ["sim-1", "sim-2"]))
        let byRecords = Dictionary(harness.collector.records.map { (LoadRun.SlaveApp($0), 1) }, uniquingKeysWith: +)
        #expect(last.offeredBy == byRecords, "each call offered once, under its record's slave and app")
        #expect(last.slaves.map(\.name) == ["sim-1", "sim-2"] && last.slaves.allSatisfy(\.up))
        let sim1 = last.slaves[0]
        #expect(sim1.sessions != nil && sim1.idleCPU != nil, "second 1's reading, at least")

        var metrics = LiveMetrics(run: .init(runID: outcome.summary.runID, name: "live"))
        for record in harness.collector.records { metrics.add(record) }
        metrics.update(last, previous: nil)
        #expect(metrics.outcomes.values.flatMap(\.values).reduce(0, +) == last.offered)
        #expect(metrics.answer.count == harness.collector.records.count { $0.answerMs != nil } && metrics.answer.count > 0)
        #expect(!metrics.offering && metrics.currentRate == 0)
    }
}
