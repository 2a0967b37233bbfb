import Foundation
import FreeSwitchSim
@testable import LoadTest
import Testing

/// Segments and a common start in whole in-process runs on a ``ManualRunClock``: the
/// wait for `--start-at` is on the run clock (nothing offered until it passes, t = 0
/// is the common time itself), an interrupt ends it, and two segments on one slave
/// each hang up only their own calls at the end.
@Suite(.timeLimit(.minutes(1))) struct SegmentRunSessionTests {
    /// Calls without a hold stay up (parked) until the drain's `hupall` ends them.
    static func profile(slaves: String) -> String {
        "{ name: 'seg', slaves: \(slaves), call: { dest: 'echo@{sip}' }, load: { rate: 4, limit: 100, duration: 0, run_time: 1, grace: 1 } }"
    }
    static let sim = "[{ sim: { answer_delay: 0, ring_delay: 0, sps: 1000 } }]"
    static let wall = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func theRunWaitsOnItsClockForTheCommonStart() async throws {
        let harness = try RunSessionHarness(
            Self.profile(slaves: Self.sim), segment: try ExecutionSegment(index: 2, count: 2),
            startAt: Self.wall.addingTimeInterval(5), wallClock: { Self.wall })
        let clock = harness.clock
        let session = harness.session
        let run = Task { try await session.run() }
        #expect(await harness.starts.first(startingWith: "") == "5.0", "it says how long it waits")
        await clock.waitForArmedTimers(1)  // the wait, after preflight
        clock.advance(by: 4_999_999_999)
        #expect(harness.collector.snapshots.isEmpty && clock.armedTimers == 1, "nothing offered, no sweep before the start")
        clock.advance(by: 1)
        await clock.waitForArmedTimers(2)  // the scheduler and the sweeper
        clock.advance(by: 1_000_000_000)
        await harness.sims[0].waitUntil { $0 == 4 }  // both calls up, two legs each
        // The drain arms its grace after the offering ends, on a task of its own: moving
        // time before it has would leave its timer armed past the end of the test's time.
        await clock.waitForArmedTimers(2)  // the sweeper and the drain's grace
        clock.advance(by: 1_000_000_000)  // the grace: then hupall
        let outcome = try await run.value
        #expect(outcome.result.clockStart == 5_000_000_000, "t = 0 is the common start")
        // Segment 2 of 2 at 4 calls/s: the whole run's calls 2 and 4, due at 0.5 and 1 s.
        let due = harness.collector.records.map(\.scheduledAt).sorted()
        #expect(due == [5_500_000_000, 6_000_000_000])
        #expect(outcome.summary.segment == (try ExecutionSegment(index: 2, count: 2)))
        #expect(outcome.summary.runGroup == RunGroup.derived(profile: session.profile, startAt: Self.wall.addingTimeInterval(5)))
        #expect(outcome.summary.runGroup?.hasPrefix("seg-") == true)
        #expect(abs(outcome.summary.targetRate - 2) < 1e-9, "its half of 4/s")
    }

    /// A host ready 0.3 s after the common start keeps the common schedule: t = 0 is
    /// still the common time, the call due at 0.25 s goes out at once (late, its lag
    /// shows it), and no warning; the segments' seconds stay aligned.
    @Test func aHostALittleLateKeepsTheCommonSchedule() async throws {
        let harness = try RunSessionHarness(
            Self.profile(slaves: Self.sim), startAt: Self.wall.addingTimeInterval(-0.3), wallClock: { Self.wall })
        let clock = harness.clock
        let session = harness.session
        let run = Task { try await session.run() }
        await clock.waitForArmedTimers(2)  // the scheduler and the sweeper: no wait
        clock.advance(by: 1_000_000_000)
        await harness.sims[0].waitUntil { $0 == 8 }  // the 4 calls up, two legs each
        await clock.waitForArmedTimers(2)  // the sweeper and the drain's grace
        clock.advance(by: 1_000_000_000)  // the grace: then hupall
        let outcome = try await run.value
        // Within 1 µs: the wall clock's 0.3 s in a Date of 1.8e9 s is 0.3 s to 48 ns.
        let start = outcome.result.clockStart
        #expect(abs(start + 300_000_000) < 1_000, "t = 0 is the common start, 0.3 s before the run was ready: \(start)")
        let due = harness.collector.records.map { $0.scheduledAt - start }.sorted()
        #expect(due == [250_000_000, 500_000_000, 750_000_000, 1_000_000_000])
        let lags = harness.collector.records.compactMap(\.scheduleLagMs).sorted()
        #expect(lags.last.map { $0 > 49.9 } == true, "the call due before the run was ready went late: \(lags)")
        #expect(!harness.warnings.all.contains { $0.contains("--start-at") })
    }

    @Test func anInterruptEndsTheWait() async throws {
        let harness = try RunSessionHarness(
            Self.profile(slaves: Self.sim), startAt: Self.wall.addingTimeInterval(3600), wallClock: { Self.wall })
        let session = harness.session
        let run = Task { try await session.run() }
        #expect(await harness.starts.first(startingWith: "") == "3600.0")
        await harness.clock.waitForArmedTimers(1)
        session.interrupt(reason: "SIGINT (Ctrl-C)")
        let outcome = try await run.value
        #expect(outcome.result.offered == 0 && outcome.result.interrupted && outcome.summary.verdict == "INTERRUPTED")
        #expect(harness.clock.now() == 0, "no time passed on the run clock")
    }

    /// Two segments on one slave: the first to end hangs up its own calls only
    /// (`hupall … switchy_run <its run id>`); the other's stay up until its own end.
    @Test func eachSegmentHangsUpOnlyItsOwnCalls() async throws {
        var configuration = SimConfiguration()
        configuration.password = "seg"
        configuration.profiles = [SofiaProfile(name: "external", sipIP: "127.0.0.1", sipPort: 5090)]
        configuration.timing.answerDelay = .fixed(0)
        configuration.timing.ringDelay = .fixed(0)
        configuration.timing.sessionsPerSecond = 1000
        let sim = try SimSlave.start(configuration)
        defer { sim.stop() }
        let slaves = "[{ host: '127.0.0.1', port: \(sim.port), password: 'seg' }]"
        // Both wait for one common start: once both are past preflight, their clocks
        // move through the start and the offering.
        let start = Self.wall.addingTimeInterval(1)
        let first = try RunSessionHarness(
            Self.profile(slaves: slaves), segment: try ExecutionSegment(index: 1, count: 2), startAt: start, wallClock: { Self.wall })
        let second = try RunSessionHarness(
            Self.profile(slaves: slaves), segment: try ExecutionSegment(index: 2, count: 2), startAt: start, wallClock: { Self.wall })
        #expect(first.session.runID != second.session.runID)
        let (firstSession, secondSession) = (first.session, second.session)
        let firstRun = Task { try await firstSession.run() }
        let secondRun = Task { try await secondSession.run() }
        for harness in [first, second] {
            _ = await harness.starts.first(startingWith: "")
            await harness.clock.waitForArmedTimers(1)  // the wait for the start
            harness.clock.advance(by: 1_000_000_000)
            await harness.clock.waitForArmedTimers(2)  // the scheduler and the sweeper
            harness.clock.advance(by: 1_000_000_000)  // the offering
        }
        await sim.waitUntil { $0 == 8 }  // 2 + 2 calls up, two legs each
        await first.clock.waitForArmedTimers(2)  // the sweeper and the drain's grace
        first.clock.advance(by: 1_000_000_000)  // the first's grace is over: its hupall
        let firstOutcome = try await firstRun.value
        #expect(firstOutcome.result.offered == 2 && first.collector.records.allSatisfy { $0.hangupRequestedAt != nil })
        #expect(first.collector.records.allSatisfy { $0.outcome == .answered })
        // The second segment's calls are untouched: still up, none recorded.
        #expect(sim.channelCount == 4 && second.collector.records.isEmpty)
        await second.clock.waitForArmedTimers(2)  // the sweeper and the drain's grace
        second.clock.advance(by: 1_000_000_000)
        let secondOutcome = try await secondRun.value
        #expect(secondOutcome.result.offered == 2 && second.collector.records.count == 2)
        #expect(second.collector.records.allSatisfy { $0.outcome == .answered && $0.hangupRequestedAt != nil })
        #expect(firstOutcome.summary.runGroup == secondOutcome.summary.runGroup, "derived alike")
    }
}
