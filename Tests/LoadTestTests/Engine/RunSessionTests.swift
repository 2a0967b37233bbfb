import Foundation
import FreeSwitchSim
import LoadTest
import Testing

/// Whole runs — preflight, schedule, originate, track, drain, reports — against
/// in-process simulators, on a ``ManualRunClock``: the run's time moves only when the
/// test says, so the schedule and the drain's deadlines are exact and nothing sleeps.
/// The simulators answer at once (zero delays) on their own clock, in real time. The
/// run's own hold timers are on the run clock, which these tests do not move past the
/// holds, so in the runs whose calls end by themselves the slaves' safety net ends them
/// (`sched_hangup` hold + 5 s, whole seconds: 5–6 s), the only real wait (``HoldRunTests``
/// share one clock with the simulator and test the run's hangups). The run waits for
/// their events (it ends as soon as the last call does), never for time.
@Suite(.timeLimit(.minutes(1))) struct RunSessionTests {
    static let slaves = "[{ sim: { answer_delay: 0, ring_delay: 0, sps: 1000 } }, { sim: { answer_delay: 0, ring_delay: 0, sps: 1000 } }]"

    /// 10 calls/s for one second of run clock: the pacer's calls on its schedule, split
    /// between the slaves, all answered and hung up by the slaves (safety net), every one
    /// a record in the sinks and a row in the reports; the run ends as soon as the last
    /// call does, its 30 s grace never reached on the run clock.
    @Test func aRunOffersOnScheduleAndEveryAnsweredCallIsRecordedOnce() async throws {
        let harness = try RunSessionHarness(
            "{ name: 'session', slaves: \(Self.slaves), call: { dest: 'echo@{sip}' }, load: { rate: 10, limit: 100, duration: 1, run_time: 1, grace: 30 } }")
        let outcome = try await harness.run(offering: 1)
        let records = harness.collector.records
        let pacer = Pacer(curve: .constant(10), endTime: 1)
        let due = (0..<20).map { pacer.time(ofCall: $0) }.filter { $0 < 1 }
        #expect(due.count >= 9 && outcome.result.offered == due.count && records.count == due.count)
        #expect(records.allSatisfy { $0.outcome == .answered })
        #expect(Set(records.map(\.callUUID)).count == records.count)
        // The schedule is the pacer's, to the nanosecond, and each call went out on time.
        #expect(records.map(\.scheduledAt).sorted() == due.map { Int64(($0 * 1e9).rounded()) })
        #expect(records.allSatisfy { $0.sentAt == $0.scheduledAt })
        #expect(Set(records.map(\.slave)) == ["sim-1", "sim-2"])
        #expect(outcome.summary.passed && outcome.summary.answered == due.count && outcome.summary.callRows == due.count)
        #expect(outcome.result.offeringSeconds == 1)
        #expect(harness.collector.finished == 1)
        #expect(harness.collector.snapshots.last?.outcomes == [.answered: due.count])
        // The record queue's figures are in summary.json.
        #expect(outcome.summary.generator.recordQueueHighWater >= 1)
        #expect(outcome.summary.generator.recordQueueDepthAtEnd >= 0)
    }

    /// sim-2 drops its connections after a few events: its calls in flight are lost
    /// with the reason, sim-1's are all answered, every offered call is one record,
    /// and the run reports the slave going down.
    @Test func aSlaveDroppingLosesItsCallsInFlightAndTheRunGoesOn() async throws {
        var drop = SimFaults()
        drop.dropAfterEvents = 6
        let harness = try RunSessionHarness(
            "{ name: 'drop', slaves: \(Self.slaves), call: { dest: 'echo@{sip}' }, load: { rate: 20, limit: 100, duration: 1, run_time: 1, grace: 30 } }",
            faults: [1: drop])
        let outcome = try await harness.run(offering: 1)
        let records = harness.collector.records
        #expect(records.count == outcome.result.offered && Set(records.map(\.callUUID)).count == records.count)
        let sim2 = records.filter { $0.slave == "sim-2" }
        #expect(sim2.contains { $0.outcome == .lost && $0.error?.hasPrefix("sim-2 went down") == true })
        #expect(records.filter { $0.slave == "sim-1" }.allSatisfy { $0.outcome == .answered })
        #expect(outcome.result.slaveEvents["sim-2"]?.contains { !$0.up } == true)
        #expect(outcome.summary.warnings.contains { $0.hasPrefix("sim-2 went down") })
        #expect(!outcome.summary.passed, "the default threshold lost == 0 fails")
    }

    /// Calls held longer than the run: when the grace passes on the run clock, the
    /// drain hangs them up (ours only) and ends as soon as the last of them is
    /// recorded, each once, hung up by the drain. The run clock does not move after
    /// the grace: the simulators run on real time, and moving the run clock past the
    /// drain's wait before their hangups arrive would record those calls as lost (the
    /// time limit is the test's safety net if a call's end never came).
    @Test(.timeLimit(.minutes(1))) func theDrainHangsUpWhatOutlivesTheGrace() async throws {
        let harness = try RunSessionHarness(
            "{ name: 'drain', slaves: \(Self.slaves), call: { dest: 'echo@{sip}' }, load: { rate: 10, limit: 100, duration: 600, run_time: 1, grace: 2 } }")
        let outcome = try await harness.run(offering: 1) { clock in
            await clock.waitForArmedTimers(3)  // the sweeper, the calls' hold timer and the drain's grace
            clock.advance(by: 2_000_000_000)
        }
        let records = harness.collector.records
        #expect(records.count >= 9 && records.count == outcome.result.offered)
        #expect(Set(records.map(\.callUUID)).count == records.count)
        #expect(records.allSatisfy { $0.hangupCause == "MANAGER_REQUEST" && $0.outcome != .lost })
        // The run cut them: each is marked as hung up by the run (not dropped).
        #expect(records.allSatisfy { $0.hangupRequestedAt != nil })
        #expect(outcome.result.offeringSeconds == 1)
    }
}
