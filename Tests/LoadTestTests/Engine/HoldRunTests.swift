import Foundation
import FreeSwitchSim
import LoadTest
import Switchy
import Synchronization
import Testing

/// The generator ends each call at the server's answer time + hold (issue 14 §1), in
/// whole runs on a ``ManualRunClock`` whose simulator reads the same clock
/// (``LinkedSimClock``): server and local times move together and only when the test
/// moves them, so the holds in the records are exact, and an answer that reaches the
/// generator late is late by exactly the time the test let pass.
@Suite(.timeLimit(.minutes(1))) struct HoldRunTests {
    /// One call, at 0.1 s, to a remote `echo` (one leg on the slave), held 2 s.
    static let profile = """
        { name: 'hold', slaves: [{ sim: { answer_delay: 0, ring_delay: 0, sps: 1000 } }],
          call: { dest: 'echo@192.0.2.9:5060' },
          load: { rate: 10, limit: 10, duration: 2, run_time: 0.15, grace: 30 } }
        """

    /// The answer read at once: the run's `uuid_kill` comes exactly 2 s after it, and
    /// both clocks' holds (`hold_ms`, `server_hold_ms`) are the duration.
    @Test func theRunHangsUpAtTheAnswerPlusTheHold() async throws {
        let clock = ManualRunClock()
        let simClock = LinkedSimClock(run: clock)
        let harness = try RunSessionHarness(Self.profile, clock: clock, simClock: simClock)
        let outcome = try await harness.run(offering: 0.1) { clock in
            await harness.sims.all[0].waitUntil { $0 == 1 }  // the originate, at 0.1 s
            simClock.runTimers()  // the answer, at 0.1 s
            await clock.waitForArmedTimers(3)  // the scheduler's end, the sweeper, the hold
            clock.advance(by: 2_000_000_000)  // to 2.1 s: the hold is over
        }
        let records = harness.collector.records
        #expect(records.count == 1 && outcome.result.offered == 1)
        let call = try #require(records.first)
        #expect(call.outcome == .answered && call.hangupCause == "ALLOTTED_TIMEOUT")
        #expect(call.plannedHold == 2_000_000_000)
        #expect(call.answeredAt == 100_000_000)
        #expect(call.hangupRequestedAt == 2_100_000_000)
        #expect(abs(try #require(call.holdMs) - 2000) <= 20)
        #expect(abs(try #require(call.serverHoldMs) - 2000) <= 20)
    }

    /// Two calls; the second one's answer is held back on its way (the slave's event
    /// connection stalls 0.3 s after that call's CHANNEL_CREATE, its 4th event: the
    /// first call's CREATE, ANSWER and BACKGROUND_JOB came before — a `park` run
    /// subscribes only to the events the tracker reads, so no CALL_UPDATE or PARK).
    /// The first call's prompt events give the mapping; the second call's hangup is
    /// still aimed at the server's answer, so its callee's hold (`server_hold_ms`) is
    /// the duration, while the generator's own clock saw the answer late and its
    /// `hold_ms` is that much shorter.
    @Test func aLateAnswerIsHeldFromTheServersAnswer() async throws {
        let clock = ManualRunClock()
        let simClock = LinkedSimClock(run: clock)
        var stall = SimFaults()
        stall.stallAfterEvents = 4
        stall.stallSeconds = 0.3
        let profile = Self.profile.replacingOccurrences(of: "run_time: 0.15", with: "run_time: 0.25")
        let harness = try RunSessionHarness(profile, faults: [0: stall], clock: clock, simClock: simClock)
        let outcome = try await harness.run(offering: 0.1) { clock in
            let sim = harness.sims.all[0]
            await sim.waitUntil { $0 == 1 }
            simClock.runTimers()  // the first answer, at 0.1 s, read at once
            await clock.waitForArmedTimers(3)  // the scheduler, the sweeper, the first hold
            clock.advance(by: 100_000_000)  // 0.2 s: the second call
            await sim.waitUntil { $0 == 2 }
            // The stall began with that call's CHANNEL_CREATE, written at 0.2 s (the
            // simulator's writer may lag the test: its end is set from the clock then).
            await sim.waitUntilStalled()
            simClock.runTimers()  // the second answer, at 0.2 s, held back until 0.5 s
            clock.advance(by: 300_000_000)
            simClock.runTimers()  // the held events go out
            // 2.1 s: the first hold is over. Its end comes on the same connection after
            // the second answer, so once it is recorded the second hold is set.
            clock.advance(by: 1_600_000_000)
            await harness.collector.waitForRecords(1)
            clock.advance(by: 100_000_000)  // 2.2 s: the second hold is over
        }
        let records = harness.collector.records.sorted { $0.scheduledAt < $1.scheduledAt }
        #expect(records.count == 2 && outcome.result.offered == 2)
        #expect(records.allSatisfy { $0.outcome == .answered && $0.hangupCause == "ALLOTTED_TIMEOUT" })
        let (first, late) = (records[0], records[1])
        #expect(first.hangupRequestedAt == 2_100_000_000 && first.answeredAt == 100_000_000)
        #expect(late.hangupRequestedAt == 2_200_000_000, "the server's answer (0.2 s) + 2 s")
        #expect(try #require(late.answeredAt) >= 500_000_000, "read at least 0.3 s after the server's answer")
        for call in records {
            #expect(abs(try #require(call.serverHoldMs) - 2000) <= 20)
        }
        #expect(abs(try #require(first.holdMs) - 2000) <= 20)
        #expect(try #require(late.holdMs) <= 1700)
    }

    /// Two slaves, one call each; one slave hangs its call up by itself at 0.2 s
    /// (`hupall NORMAL_CLEARING` from another client): that call was ended by someone
    /// else before its hold, so it has no `hangupRequestedAt`; the other is held to
    /// the end and has one.
    @Test func onlyCallsTheRunEndsAreMarkedAsHungUpByIt() async throws {
        let clock = ManualRunClock()
        let simClock = LinkedSimClock(run: clock)
        let sim = "{ sim: { answer_delay: 0, ring_delay: 0, sps: 1000 } }"
        let profile = Self.profile
            .replacingOccurrences(of: "slaves: [\(sim)]", with: "slaves: [\(sim), \(sim)]")
            .replacingOccurrences(of: "run_time: 0.15", with: "run_time: 0.25")
        let harness = try RunSessionHarness(profile, clock: clock, simClock: simClock)
        let outcome = try await harness.run(offering: 0.1) { clock in
            let sims = harness.sims.all
            // Equal slaves take turns from the second one (SlavePool's round-robin).
            await sims[1].waitUntil { $0 == 1 }
            simClock.runTimers()
            await clock.waitForArmedTimers(3)  // the scheduler, the sweeper, the first hold
            clock.advance(by: 100_000_000)
            await sims[0].waitUntil { $0 == 1 }
            simClock.runTimers()
            // Someone else ends the first slave's call.
            let other = sims[0]
            let client = Client(host: "127.0.0.1", port: other.port, password: other.configuration.password)
            try? await client.connect()
            _ = try? await client.api("hupall NORMAL_CLEARING")
            client.close()
            await harness.collector.waitForRecords(1)
            clock.advance(by: 2_000_000_000)  // 2.2 s: every hold is over
        }
        let records = harness.collector.records
        #expect(records.count == 2 && outcome.result.offered == 2)
        let cut = try #require(records.first { $0.slave == "sim-1" })
        let held = try #require(records.first { $0.slave == "sim-2" })
        #expect(cut.hangupCause == "NORMAL_CLEARING" && cut.hangupRequestedAt == nil)
        #expect(held.hangupCause == "ALLOTTED_TIMEOUT" && held.hangupRequestedAt != nil)
        #expect(records.allSatisfy { $0.plannedHold == 2_000_000_000 })
        // Cut by someone else before its planned hold: dropped; the other held as planned.
        #expect(cut.outcome == .dropped && held.outcome == .answered)
    }
}

/// A simulator clock that reads the run's ``ManualRunClock``: µs since an epoch that
/// falls on a tick of the simulator's 20 ms event clock (the ``ManualClock`` default),
/// so the server's times of a call are the run clock's to the µs. The simulator's
/// timers run when the test calls ``runTimers()``.
final class LinkedSimClock: SimClock {
    let run: ManualRunClock
    let epoch: Int64 = 1_795_728_774_487_191
    private let callbacks = Mutex<[@Sendable () -> Void]>([])

    init(run: ManualRunClock) { self.run = run }

    var nowMicroseconds: Int64 { epoch + run.now() / 1000 }
    var isManual: Bool { true }
    func onAdvance(_ callback: @escaping @Sendable () -> Void) { callbacks.withLock { $0.append(callback) } }

    /// Runs the simulators' timers due at the run clock's time.
    func runTimers() {
        for callback in callbacks.withLock({ $0 }) { callback() }
    }
}
