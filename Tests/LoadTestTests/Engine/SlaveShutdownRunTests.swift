import Foundation
import FreeSwitchSim
import LoadTest
import Synchronization
import Testing

/// A slave shut down gracefully in the middle of a run (`fsctl shutdown`, capture 24),
/// then back: on the run's ``ManualRunClock``, with in-process simulators.
@Suite(.timeLimit(.minutes(1))) struct SlaveShutdownRunTests {
    /// sim-2 shuts down with calls in flight, the run clock stopped: its SHUTDOWN event
    /// takes it out of the rotation at once (no call offered to it from then on, so none
    /// is refused with `CHAN_NOT_IMPLEMENTED`), its calls end with the server's
    /// `SYSTEM_SHUTDOWN` before their planned hold and are `dropped` (originates still in
    /// progress are refused: `failed`), none lost, and the warning says what happened. Back up before the first reconnect attempt (0.1 s of run clock), it
    /// takes calls again from the next one on.
    @Test func aSlaveShuttingDownLeavesTheRotationAtOnceAndTakesCallsAgainOnceBack() async throws {
        let harness = try RunSessionHarness(
            "{ name: 'shutdown', slaves: \(RunSessionTests.slaves), call: { dest: 'echo@{sip}' }, load: { rate: 10, limit: 100, duration: 600, run_time: 3, grace: 1 } }")
        let sims = harness.sims
        let warnings = harness.warnings
        let marks = Mutex<(shutdown: Int64, back: Int64)>((0, 0))
        let outcome = try await harness.run(offering: 1) { clock in
            // The steady state: the scheduler, the sweeper and the hold timer (armed once
            // the first answer is in); no reconnect is waiting yet.
            await clock.waitForArmedTimers(3)
            let steady = 3
            sims[1].shutDown()
            _ = await warnings.first(startingWith: "sim-2 is shutting down")
            marks.withLock { $0.shutdown = clock.now() }
            // Offering goes on while sim-2 finishes going down: every call to sim-1.
            clock.advance(by: 500_000_000)
            _ = await warnings.first(startingWith: "sim-2 closed its connection")
            sims[1].restartNow()
            await clock.waitForArmedTimers(steady + 1)  // the reconnect's first wait
            clock.advance(by: 100_000_000)
            _ = await warnings.first(startingWith: "sim-2 is back")
            marks.withLock { $0.back = clock.now() }
            // The rest of the offering (to 3 s), then the drain's grace.
            for _ in 0..<14 { clock.advance(by: 100_000_000) }
            await clock.waitForArmedTimers(steady)  // the sweeper, the hold timer, the drain's grace
            clock.advance(by: 1_000_000_000)
        }
        let (shutdownAt, backAt) = marks.withLock { $0 }
        let records = harness.collector.records
        #expect(records.count == outcome.result.offered && Set(records.map(\.callUUID)).count == records.count)
        let sim2 = records.filter { $0.slave == "sim-2" }
        let beforeShutdown = sim2.filter { $0.scheduledAt < shutdownAt }
        let whileDown = records.filter { $0.scheduledAt >= shutdownAt && $0.scheduledAt < backAt }
        let afterBack = records.filter { $0.scheduledAt >= backAt }
        // Sent just before the shutdown (the run clock's first second passes at once in
        // real time): hung up by the server once up, or refused while it goes down.
        #expect(beforeShutdown.count == 5)
        #expect(
            beforeShutdown.allSatisfy {
                ($0.hangupCause == "SYSTEM_SHUTDOWN" && $0.outcome == .dropped)
                    || ($0.hangupCause == "CHAN_NOT_IMPLEMENTED" && $0.outcome == .failed)
            }, "\(beforeShutdown.map { "\($0.outcome) \($0.hangupCause ?? "-")" })")
        #expect(whileDown.count >= 5 && whileDown.allSatisfy { $0.slave == "sim-1" && $0.hangupCause == "MANAGER_REQUEST" })
        #expect(!records.contains { $0.outcome == .lost })
        #expect(!records.contains { $0.scheduledAt >= shutdownAt && $0.hangupCause == "CHAN_NOT_IMPLEMENTED" })
        #expect(afterBack.contains { $0.slave == "sim-2" } && afterBack.allSatisfy { $0.hangupCause == "MANAGER_REQUEST" })
        #expect(backAt - shutdownAt <= 700_000_000, "back 0.1 s after the connection closed")
        let closed = try #require(warnings.all.first { $0.hasPrefix("sim-2 closed its connection") })
        #expect(closed.contains("\(beforeShutdown.count) of its \(beforeShutdown.count) calls in flight ended before"))
        #expect(closed.contains(" 0 lost"))
        let history = try #require(outcome.result.slaveEvents["sim-2"])
        #expect(history.map(\.up) == [true, false, true])
    }
}
