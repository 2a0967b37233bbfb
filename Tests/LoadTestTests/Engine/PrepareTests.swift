import FreeSwitchSim
import LoadTest
import Synchronization
import Testing

/// `prepare` (`fsctl sps`, `fsctl max_sessions`) on a slave the profile names by
/// address — a simulator started here, as a real FreeSWITCH would be: the run reads the
/// slave's values first, changes them only once it will go ahead, and puts them back at
/// the end; a refused run leaves the slave as it found it. On a ``ManualRunClock``.
@Suite(.timeLimit(.minutes(1))) struct PrepareTests {
    /// A slave whose own limits are 50 sessions/s and 100 sessions.
    static func startSlave() throws -> SimSlave {
        var configuration = SimConfiguration()
        configuration.password = "prepare-pw"
        configuration.switchname = "lab"
        configuration.profiles = [SofiaProfile(name: "external", sipIP: "127.0.0.1", sipPort: 5099)]
        configuration.timing.answerDelay = .fixed(0)
        configuration.timing.ringDelay = .fixed(0)
        configuration.timing.sessionsPerSecond = 50
        configuration.timing.maxSessions = 100
        return try SimSlave.start(configuration)
    }

    static func profile(port: Int, prepare: String, rate: Int = 10, runTime: Int = 1) -> String {
        """
        { name: 'prepare', slaves: [{ host: '127.0.0.1', port: \(port), password: 'prepare-pw' }],
          call: { dest: 'echo@{sip}' }, prepare: \(prepare),
          load: { rate: \(rate), limit: 20, duration: 600, run_time: \(runTime), grace: 2 } }
        """
    }

    /// Calls held past the grace keep the run going until the test moves the run clock:
    /// the slave has the prepared values then; after the drain it has its own again, and
    /// the summary says what was changed and restored.
    @Test func prepareIsAppliedForTheRunAndPutBackAtTheEnd() async throws {
        let slave = try Self.startSlave()
        defer { slave.stop() }
        let harness = try RunSessionHarness(Self.profile(port: slave.port, prepare: "{ sps: 500, max_sessions: 300 }"))
        let during = Mutex<(sessionsPerSecond: Int, maxSessions: Int)?>(nil)
        let outcome = try await harness.run(offering: 1) { clock in
            during.withLock { $0 = slave.limits }
            // The sweeper, the hold timer of the calls held (armed once their answers are
            // in) and the drain's grace.
            await clock.waitForArmedTimers(3)
            clock.advance(by: 2_000_000_000)
        }
        let applied = try #require(during.withLock { $0 })
        #expect(applied == (500, 300), "the prepared values while the run went")
        #expect(slave.limits == (50, 100), "the slave's own values again")
        let name = "127.0.0.1:\(slave.port)"
        let expected = [
            PreparedSetting(slave: name, setting: "sps", previous: 50, value: 500, restored: true),
            PreparedSetting(slave: name, setting: "max_sessions", previous: 100, value: 300, restored: true),
        ]
        #expect(outcome.result.prepared == expected)
        #expect(outcome.summary.prepare == expected)
        #expect(outcome.result.offered == 10)
    }

    /// Ctrl-C twice half-way through the offering: the run stops, hangs up at once, and
    /// still puts the slave's values back.
    @Test func anInterruptedRunPutsTheValuesBack() async throws {
        let slave = try Self.startSlave()
        defer { slave.stop() }
        let harness = try RunSessionHarness(Self.profile(port: slave.port, prepare: "{ sps: 500, max_sessions: 300 }"))
        let session = harness.session
        let during = Mutex<(sessionsPerSecond: Int, maxSessions: Int)?>(nil)
        let outcome = try await harness.run(offering: 0.5) { _ in
            during.withLock { $0 = slave.limits }
            session.interrupt()
            session.interrupt()
        }
        #expect(try #require(during.withLock { $0 }) == (500, 300))
        #expect(outcome.result.interrupted && outcome.result.offered == 5)
        #expect(outcome.result.prepared.count == 2 && outcome.result.prepared.allSatisfy(\.restored))
        #expect(slave.limits == (50, 100))
    }

    /// A value the slave already has is left alone (nothing to put back).
    @Test func aValueAlreadySetIsNotTouched() async throws {
        let slave = try Self.startSlave()
        defer { slave.stop() }
        let harness = try RunSessionHarness(Self.profile(port: slave.port, prepare: "{ sps: 50, max_sessions: 200 }"))
        let outcome = try await harness.run(offering: 1) { clock in
            await clock.waitForArmedTimers(3)  // the sweeper, the hold timer, the drain's grace
            clock.advance(by: 2_000_000_000)
        }
        #expect(outcome.result.prepared.map(\.setting) == ["max_sessions"])
        #expect(outcome.result.prepared.allSatisfy(\.restored) && slave.limits == (50, 100))
    }

    /// With `max_sessions: 30` the plan (20 calls to the slave's own address: 40
    /// sessions) cannot fit: preflight refuses the run, judged by the value `prepare`
    /// would set, and the slave keeps its own values.
    @Test func aRefusedRunLeavesTheSlaveUntouched() async throws {
        let slave = try Self.startSlave()
        defer { slave.stop() }
        let harness = try RunSessionHarness(Self.profile(port: slave.port, prepare: "{ sps: 500, max_sessions: 30 }"))
        let failure = await #expect(throws: RunSession.Failure.self) { try await harness.run(offering: 1) }
        guard case .run(.overLimits(_, let reason)) = failure else {
            Issue.record("not refused for its limits: \(String(describing: failure))")
            return
        }
        #expect(reason.contains("max-sessions (30)"))
        #expect(slave.limits == (50, 100))
    }

    /// The slave restarts mid-run (a graceful shutdown, then back with its configured 50
    /// sessions/s and 100 sessions, as a restarted FreeSWITCH): the run sets `prepare`'s
    /// values again before the slave takes calls, says so, and puts the slave's own values
    /// back at the end.
    @Test func aSlaveBackFromARestartIsPreparedAgain() async throws {
        let slave = try Self.startSlave()
        defer { slave.stop() }
        let harness = try RunSessionHarness(
            Self.profile(port: slave.port, prepare: "{ sps: 500, max_sessions: 300 }", rate: 8, runTime: 3))
        let name = "127.0.0.1:\(slave.port)"
        let warnings = harness.warnings
        let limits = Mutex<(down: (Int, Int), back: (Int, Int))>(((0, 0), (0, 0)))
        let outcome = try await harness.run(offering: 1) { clock in
            await clock.waitForArmedTimers(3)  // the scheduler, the sweeper, the hold timer
            slave.shutDown()
            _ = await warnings.first(startingWith: "\(name) closed its connection")
            slave.restartNow()
            limits.withLock { $0.down = slave.limits }
            // The reconnect's first wait, 0.1 s from now (the scheduler's, at 8 calls/s,
            // are at 1.125 s, 1.25 s …; the hold timer may or may not still be armed:
            // every call there ended with the shutdown).
            await clock.waitForTimer(armedAt: clock.now() + 100_000_000)
            clock.advance(by: 100_000_000)
            let back = await warnings.first(startingWith: "\(name) is back")
            #expect(back.contains("set `fsctl sps 500` again (it had 50)"), "\(back)")
            #expect(back.contains("set `fsctl max_sessions 300` again (it had 100)"), "\(back)")
            limits.withLock { $0.back = slave.limits }
            // The rest of the offering (to 3 s), then the drain's grace (2 s from the end
            // of the offering, which is now).
            for _ in 0..<19 { clock.advance(by: 100_000_000) }
            await clock.waitForTimer(armedAt: clock.now() + 2_000_000_000)
            clock.advance(by: 2_000_000_000)
        }
        let (down, back) = limits.withLock { $0 }
        #expect(down == (50, 100), "the restarted slave has its own limits")
        #expect(back == (500, 300), "prepared again before it takes calls")
        #expect(slave.limits == (50, 100), "put back at the end")
        #expect(outcome.result.prepared.count == 2 && outcome.result.prepared.allSatisfy(\.restored))
        #expect(harness.collector.records.contains { $0.slave == name && $0.outcome == .answered }, "calls after it was back")
    }
}
