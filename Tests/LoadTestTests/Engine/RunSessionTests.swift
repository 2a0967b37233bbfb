import Foundation
import FreeSwitchSim
@testable import LoadTest
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

    /// 10 calls/s for one second of run clock: the pacer's 10 calls (the one due at
    /// exactly 1 s, the end, included) on its schedule, split
    /// between the slaves, all answered and hung up by the slaves (safety net), every one
    /// a record in the sinks and a row in the reports; the run ends as soon as the last
    /// call does, its 30 s grace never reached on the run clock.
    @Test func aRunOffersOnScheduleAndEveryAnsweredCallIsRecordedOnce() async throws {
        let harness = try RunSessionHarness(
            "{ name: 'session', slaves: \(Self.slaves), call: { dest: 'echo@{sip}' }, load: { rate: 10, limit: 100, duration: 1, run_time: 1, grace: 30 } }")
        let outcome = try await harness.run(offering: 1)
        let records = harness.collector.records
        let pacer = Pacer(curve: .constant(10), endTime: 1)
        let due = (0..<20).map { pacer.time(ofCall: $0) }.filter { $0 <= 1 }
        #expect(due.count == 10 && outcome.result.offered == due.count && records.count == due.count)
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

    /// The counting rule on a whole run: 20 calls/s for `run_time` 1.5 s makes
    /// ⌊20 × 1.5⌋ = 30 calls (the one due at exactly 1.5 s included) and offers for
    /// 1.5 s; `target_rate` is the schedule's (20/s), `achieved_rate` offered / offering
    /// time, and the last progress snapshot (draining) says the same as the summary.
    /// The timeline's seconds: the schedule's 20 then 10 (half a second) and the calls
    /// sent in each (the one at exactly 1 s is the first second's); `switchy report`
    /// reading the folder back gets the same rows and rates. (Answer times come from the
    /// listener's real clock, not this run clock: the end-to-end report tests check the
    /// answered and calls-up columns.)
    @Test func aRunOfTSecondsOffersRateTimesTAndEveryFigureAgrees() async throws {
        let harness = try RunSessionHarness(
            "{ name: 'count', slaves: \(Self.slaves), call: { dest: 'echo@{sip}' }, load: { rate: 20, limit: 100, duration: 1, run_time: 1.5, grace: 30 } }")
        let outcome = try await harness.run(offering: 1.5)
        #expect(outcome.result.offered == 30 && outcome.result.blocked == 0)
        #expect(outcome.result.offeringSeconds == 1.5)
        #expect(outcome.summary.targetRate == 20 && outcome.summary.achievedRate == 20)
        let last = try #require(harness.collector.snapshots.last)
        #expect(!last.offering && last.targetRate == 20 && last.achievedRate == 20 && last.offeringSeconds == 1.5)
        #expect(last.callsUp == 0, "every call ended: none up")

        let back = try RunFiles.read(outcome.directory)
        let rows = back.timeline
        #expect(rows.map(\.second) == [1, 2])
        #expect(rows.map(\.targetRate) == [20, 10] && rows.map(\.offered) == [20, 10])
        let written = try String(contentsOf: outcome.directory.appendingPathComponent("timeline.csv"), encoding: .utf8)
        #expect(TimelineFile.csv(rows) == written, "read back and recomputed from calls.csv: the run's own rows")
        #expect(back.summary.targetRate == 20 && back.summary.achievedRate == 20)
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

    /// Interrupted 0.5 s (run clock) into a 10 s run: the drain lets the calls end, and
    /// the run does not pass although every call met the default rules; the summary
    /// says why and when, to the run clock's nanosecond.
    @Test func anInterruptedRunDoesNotPassAndSaysWhenAndWhy() async throws {
        let harness = try RunSessionHarness(
            "{ name: 'stopped', slaves: \(Self.slaves), call: { dest: 'echo@{sip}' }, load: { rate: 10, limit: 100, duration: 1, run_time: 10, grace: 30 } }")
        let session = harness.session
        let outcome = try await harness.run(offering: 0.5) { _ in session.interrupt(reason: "SIGTERM") }
        #expect(outcome.result.interrupted && outcome.result.offeringSeconds == 0.5)
        #expect(harness.collector.records.allSatisfy { $0.outcome == .answered })
        #expect(outcome.summary.thresholds.allSatisfy { $0.passed } && outcome.summary.defaultThresholds)
        #expect(!outcome.summary.passed && outcome.summary.verdict == "INTERRUPTED")
        #expect(outcome.summary.interruption == RunSummary.Interruption(reason: "SIGTERM", atSecond: 0.5))
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

    /// A profile built in code is not checked by the reader: a threshold that is not a
    /// rule fails the run before anything starts, rather than being left out silently.
    @Test func aProfileThresholdThatIsNotARuleFailsTheRunBeforeItStarts() async throws {
        var profile = try Profile.parse(
            Array("{ name: 'rules', slaves: \(Self.slaves), call: { dest: 'echo@{sip}' }, load: { rate: 1, limit: 1, run_time: 1 } }".utf8),
            file: "rules.json5")
        profile.thresholds = ["asr >= 0.9", "asrr > 1"]
        let session = RunSession(profile: profile, clock: ManualRunClock(), startSimulators: { _, _ in
            Issue.record("no simulator may start")
            return RunSession.Simulators(addresses: [:]) {}
        })
        await #expect {
            _ = try await session.run()
        } throws: { error in
            guard case .plan(.invalidPlan(let reason)) = error as? RunSession.Failure else { return false }
            return reason.contains("asrr")
        }
    }
}
