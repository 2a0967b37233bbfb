import Foundation
import FreeSwitchSim
@testable import LoadTest
import Testing

/// A slave that stops reading its commands never holds up the schedule (issue 15 §1b).
@Suite(.timeLimit(.minutes(2))) struct SlowSlaveRunTests {
    /// After preflight the slave's command loop holds the first originate it takes
    /// (`slow_commands` on a simulator clock that never moves) and reads nothing more.
    /// The run clock then moves through a second at 10,000 calls/s, which fires the
    /// scheduler on this thread: every due call is offered and handed over at its due
    /// time (`sent_at` = `scheduled_at` on the run clock), although the slave read none
    /// of them after the first and its socket filled (the write backlog's peak is in
    /// `summary.json`). A send that waited for the socket would never let `advance`
    /// return, and the time limit would fail the test. Stopping the slave then loses
    /// every call, each recorded once.
    @Test func aSlaveThatReadsNoCommandHoldsUpNoLaunch() async throws {
        let simClock = ManualClock()
        // 1 KB of channel variable per originate: 15 MB in all, more than the two
        // control sockets' buffers take on loopback (about 4 MB each).
        let padding = String(repeating: "x", count: 1000)
        let harness = try RunSessionHarness(
            """
            { name: 'slow', slaves: [{ sim: { answer_delay: 0, ring_delay: 0, sps: 100000 } }],
              call: { dest: 'echo@192.0.2.1:5060', variables: { padding: '\(padding)' } }, preflight: 'warn',
              load: { rate: 10000, limit: 1000000, duration: 1, run_time: 1, grace: 1 } }
            """, simClock: simClock)
        let session = harness.session
        let run = Task { try await session.run() }
        await harness.clock.waitForArmedTimers(2)  // preflight done: the scheduler and the sweeper wait
        var faults = SimFaults()
        faults.slowCommandMilliseconds = 1
        harness.sims[0].setFaults(faults)
        harness.clock.advance(by: 1_000_000_000)
        harness.sims[0].stop()
        let outcome = try await run.value

        let records = harness.collector.records
        #expect(outcome.result.offered == 10_000 && outcome.result.blocked == 0)
        #expect(records.count == 10_000 && Set(records.map(\.callUUID)).count == 10_000)
        // To the nanosecond: the timer's deadline and the pacer's time of a call are
        // rounded from the same seconds apart.
        #expect(
            records.allSatisfy { record in record.sentAt.map { abs($0 - record.scheduledAt) <= 1 } == true },
            "every call handed over at its due time")
        #expect(records.allSatisfy { $0.outcome == .lost })
        let queues = try #require(outcome.summary.generator.slaves?["sim-1"])
        #expect(queues.writeBacklogHighWaterCommands > 0 && queues.writeBacklogHighWaterBytes > 0, "the socket filled")
        // Commands still queued when the connection ended were never written.
        #expect(records.contains { $0.sendQueueMs == nil })
    }
}
