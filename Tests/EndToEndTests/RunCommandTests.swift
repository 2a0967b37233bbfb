import Foundation
import FreeSwitchSim
import TestSupport
import Testing

/// `switchy run` as a user runs it, against embedded simulated slaves, checking the
/// exit code, the messages and the reports; every run checks the accounting invariant.
@Suite(.timeLimit(.minutes(3))) struct RunCommandTests {
    @Test func constantRateAnswersEveryCall() async throws {
        let scenario = try RunScenario("{ name: 'constant', \(RunScenario.twoSims) load: { rate: 20, limit: 50, duration: 1, run_time: 2 } }")
        let result = try await scenario.run()
        #expect(result.status == 0, "\(result.stderr)")
        let (summary, rows) = try scenario.reports()
        #expect(summary["offered"] as? Int == 40, "⌊20 × 2⌋, the call due exactly at the end included")
        #expect(rows.allSatisfy { $0["outcome"] == "answered" })
        #expect(Set(rows.compactMap { $0["slave"] }) == ["sim-1", "sim-2"])
        #expect(result.stderr.contains("answered 40"))
    }

    @Test func callsDueAtTheLimitAreBlockedNotMade() async throws {
        let scenario = try RunScenario("{ name: 'limit', \(RunScenario.twoSims) load: { rate: 40, limit: 4, duration: 2, run_time: 2 } }")
        let result = try await scenario.run()
        #expect(result.status == 0, "\(result.stderr)")
        let (summary, _) = try scenario.reports()
        let offered = try #require(summary["offered"] as? Int)
        let blocked = try #require(summary["blocked"] as? Int)
        #expect(blocked > 0)
        #expect(offered + blocked == 80, "every due call (⌊40 × 2⌋) is either made or blocked")
    }

    /// `duration: "auto"` = limit / rate (Erlang): here 20 / 20 = 1 s, enforced by the
    /// server (`execute_on_answer=sched_hangup:+1`, cause ALLOTTED_TIMEOUT).
    @Test func durationAutoHoldsLimitOverRate() async throws {
        let scenario = try RunScenario("{ name: 'auto', \(RunScenario.twoSims) load: { rate: 20, limit: 20, duration: 'auto', run_time: 1 } }")
        let result = try await scenario.run()
        #expect(result.status == 0, "\(result.stderr)")
        let (summary, rows) = try scenario.reports()
        let load = (summary["profile"] as? [String: Any])?["load"] as? [String: Any]
        #expect(load?["hold_seconds"] as? Int == 1)
        #expect(!rows.isEmpty && rows.allSatisfy { $0["hangup_cause"] == "ALLOTTED_TIMEOUT" })
    }

    @Test func maxOfferedStopsTheRun() async throws {
        let scenario = try RunScenario("{ name: 'max', \(RunScenario.twoSims) load: { rate: 50, limit: 50, duration: 1, max_offered: 7 } }")
        let result = try await scenario.run()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try scenario.reports().summary["offered"] as? Int == 7)
    }

    /// `max_offered` counts calls sent: with the limit blocking most due calls, the run
    /// goes on until 20 were offered, the blocked ones apart.
    @Test func blockedCallsDoNotCountAgainstMaxOffered() async throws {
        let scenario = try RunScenario("{ name: 'cap', \(RunScenario.twoSims) load: { rate: 40, limit: 2, duration: 1, max_offered: 20 } }")
        let result = try await scenario.run()
        #expect(result.status == 0, "\(result.stderr)")
        let (summary, rows) = try scenario.reports()
        #expect(summary["offered"] as? Int == 20 && rows.count == 20)
        #expect(try #require(summary["blocked"] as? Int) > 0, "calls due at the limit were blocked, and not counted")
    }

    @Test func stagedRampOffersTheIntegral() async throws {
        let scenario = try RunScenario("""
            { name: 'ramp', \(RunScenario.twoSims)
              load: { ramp: { stages: [{ rate: 10, for: 1 }, { rate: 30, for: 1 }] }, limit: 100, duration: 1 } }
            """)
        let result = try await scenario.run()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try scenario.reports().summary["offered"] as? Int == 40, "10 + 30, the call due at the very end included")
    }

    @Test func aFailedThresholdExitsOneAndShowsInJUnit() async throws {
        let scenario = try RunScenario("""
            { name: 'th', \(RunScenario.twoSims) load: { rate: 10, limit: 50, duration: 1, run_time: 1 },
              thresholds: ["asr >= 0.99"] }
            """)
        let result = try await scenario.run(["--threshold", "answer_ms.p99 < 0"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("verdict: FAIL"))
        let (summary, _) = try scenario.reports()
        #expect(summary["passed"] as? Bool == false)
        let junit = try String(contentsOf: try scenario.runFolder().appendingPathComponent("junit.xml"), encoding: .utf8)
        #expect(junit.contains("tests=\"2\" failures=\"1\""))
        #expect(junit.contains("<failure message=\"answer_ms.p99 was "))
        #expect(junit.contains("name=\"asr &gt;= 0.99\"/>"))
    }

    /// Issue 14 §3: every call rejected (`nosuchuser`: 404) and no thresholds. The
    /// default rules (SIPp's: every call answered, none dropped or lost) fail it, and
    /// every report says which rules judged it.
    @Test func anAllRejectedRunWithoutThresholdsDoesNotPass() async throws {
        let scenario = try RunScenario("""
            { name: 'nosuchuser', slaves: [{ sim: { answer_delay: 0.1, sps: 200 } }], call: { dest: "nosuchuser@{sip}" },
              load: { rate: 10, limit: 50, duration: 1, run_time: 1 } }
            """)
        let result = try await scenario.run()
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("no thresholds: judged by the default rules"))
        #expect(result.stderr.contains("✗ asr == 1  (asr was 0, expected == 1)"))
        #expect(result.stderr.contains("verdict: FAIL") && !result.stderr.contains("verdict: PASS"))
        let (summary, rows) = try scenario.reports()
        #expect(!rows.isEmpty && rows.allSatisfy { $0["outcome"] == "rejected" && $0["sip_status"] == "404" })
        #expect(summary["passed"] as? Bool == false && summary["default_thresholds"] as? Bool == true)
        let thresholds = try #require(summary["thresholds"] as? [[String: Any]])
        #expect(thresholds.compactMap { $0["expression"] as? String } == ["asr == 1", "dropped == 0", "lost == 0"])
        let folder = try scenario.runFolder()
        let junit = try String(contentsOf: folder.appendingPathComponent("junit.xml"), encoding: .utf8)
        #expect(junit.contains("tests=\"3\" failures=\"1\"") && junit.contains("<failure message=\"asr was 0, expected == 1\""))
        let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains(">FAIL</div>") && !html.contains(">PASS</div>"))
    }

    @Test func aBadThresholdExitsTwoBeforeAnyCall() async throws {
        let scenario = try RunScenario("""
            { name: 'badth', \(RunScenario.twoSims) load: { rate: 10, limit: 50, run_time: 1 }, thresholds: ["asr >= 0.9", "asrr > 1"] }
            """)
        let result = try await scenario.run()
        #expect(result.status == 2)
        #expect(result.stderr.contains("thresholds[1]") && result.stderr.contains("unknown metric \"asrr\""))
        #expect(!FileManager.default.fileExists(atPath: scenario.results.path))
    }

    @Test func aSlaveDownAtStartExitsThreeNamingIt() async throws {
        let closed = try RefusingPort()
        let scenario = try RunScenario("""
            { name: 'down', slaves: [{ sim: {} }, { host: "127.0.0.1", port: \(closed.port) }],
              call: { dest: "echo@{sip}" }, load: { rate: 5, limit: 5, run_time: 1 } }
            """)
        let result = try await scenario.run()
        #expect(result.status == 3)
        #expect(result.stderr.contains("127.0.0.1:\(closed.port)") && result.stderr.contains("connection refused"))
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: scenario.results.path)) ?? []
        #expect(leftovers.isEmpty, "no empty results folder is left behind")
        withExtendedLifetime(closed) {}
    }

    @Test func anUnwritableResultsFolderExitsTwoBeforeAnyCall() async throws {
        let scenario = try RunScenario("{ name: 'ro', \(RunScenario.twoSims) load: { rate: 5, limit: 5, run_time: 1 } }")
        // A results "folder" under a regular file cannot be created.
        let file = scenario.folder.appendingPathComponent("not-a-folder")
        try "x".write(to: file, atomically: true, encoding: .utf8)
        let result = try await CLIRunner.run(["run", scenario.profile.path, "--out", file.appendingPathComponent("results").path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("not-a-folder") && result.stderr.contains("cannot write the results folder"))
        #expect(result.stderr.contains("not-a-folder is a file, not a folder"), "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain") && !result.stderr.contains("could not be completed"))
        #expect(!result.stderr.contains("target"), "no call was offered")
    }

    /// Without a terminal (a CI log) the progress is one plain line every
    /// `--progress-interval` seconds: no colour, no carriage return, no escape.
    @Test func withoutATerminalProgressIsAPlainLineEveryInterval() async throws {
        let scenario = try RunScenario("{ name: 'plain', \(RunScenario.twoSims) load: { rate: 5, limit: 50, duration: 1, run_time: 3 } }")
        let result = try await CLIRunner.run(["run", scenario.profile.path, "--out", scenario.results.path, "--progress-interval=1"])
        #expect(result.status == 0, "\(result.stderr)")
        // One a second: while offering (1 s, 2 s, maybe 3 s) with the rate and its
        // target, then while the last calls (held 1 s) end.
        let progress = result.stderr.split(separator: "\n").filter { $0.contains("  answered ") }
        let lines = progress.filter { $0.contains("(target ") }
        #expect(lines.count >= 2 && progress.count >= 3, "\(result.stderr)")
        #expect(progress.last?.hasSuffix("  draining") == true, "\(result.stderr)")
        #expect(!result.stderr.contains("\u{1B}") && !result.stderr.contains("\r"))
        #expect(lines.first?.contains("/ 3s  [") == true, "elapsed / planned and a bar: \(lines.first ?? "")")
        let bad = try await scenario.run(["--progress-interval", "0"])
        #expect(bad.status == 2 && bad.stderr.contains("--progress-interval expects a number of seconds > 0"))
    }

    @Test func aBadProfileExitsTwoNamingTheField() async throws {
        let scenario = try RunScenario("{ name: 'bad', \(RunScenario.twoSims) load: { rate: -5, limit: 5, run_time: 1 } }")
        let result = try await scenario.run()
        #expect(result.status == 2)
        #expect(result.stderr.contains("load.rate"))
        #expect(result.stderr.contains(scenario.profile.lastPathComponent))
    }

    /// sim-1 takes the whole rate once sim-2 is gone: its sessions-per-second must
    /// allow that (a loop-back call is two sessions), or it would rightly throttle.
    /// sim-2 drops its event connection once it has sent it 150 events (about seven
    /// calls in, whatever the machine's speed) and accepts new ones: it is reconnected,
    /// subscribed again, and answers the calls offered after that.
    @Test func aSlaveDroppingMidRunLosesItsCallsAndTheRunGoesOn() async throws {
        // sim-2 drops after 60 events: about its 11th call, a third into the 3 s of
        // offering (a call up is ~5 events since a `park` run subscribes to the
        // tracking events only). At 150 the drop came at its 26th call of 30, and
        // on a busy machine it was back only after the offering had ended (1 run in
        // 2 beside a second suite), so no call of sim-2 could be answered.
        let scenario = try RunScenario("""
            { name: 'drop', slaves: [{ sim: { sps: 100 } }, { sim: { sps: 100, faults: { drop_once_after_events: 60 } } }],
              call: { dest: "echo@{sip}" }, load: { rate: 20, limit: 100, duration: 5, run_time: 3 }, }
            """)
        let result = try await scenario.run()
        #expect(result.status == 1, "the default threshold lost == 0 fails: \(result.stderr)")
        #expect(result.stderr.contains("✗ lost == 0"))
        #expect(result.stderr.contains("sim-2 went down"))
        let (summary, rows) = try scenario.reports()
        let lost = rows.filter { $0["outcome"] == "lost" }
        #expect(!lost.isEmpty && lost.allSatisfy { $0["slave"] == "sim-2" })
        let others = rows.filter { $0["slave"] == "sim-1" }
        #expect(others.allSatisfy { $0["outcome"] == "answered" }, "\(others.map { "\($0["outcome"] ?? "") \($0["hangup_cause"] ?? "")" })")
        let slaves = try #require(summary["slaves"] as? [String: Any])
        let events = try #require((slaves["sim-2"] as? [String: Any])?["events"] as? [[String: Any]])
        #expect(events.contains { $0["up"] as? Bool == false })
        let down = try #require(events.firstIndex { $0["up"] as? Bool == false })
        #expect(events[(down + 1)...].contains { $0["up"] as? Bool == true && $0["note"] as? String == "reconnected" }, "\(events)")
        #expect(result.stderr.contains("sim-2 is back"))
        // Held 5 s, every call sim-2 had before the drop was still up then: its
        // answered calls are those offered after it came back.
        #expect(rows.contains { $0["slave"] == "sim-2" && $0["outcome"] == "answered" })
    }

    /// `prepare` sets the limits of each remote slave for the run (and preflight reads
    /// them back), then puts the slave's own back and says so; a simulated slave keeps
    /// the limits of its own `sim` options.
    @Test func prepareSetsTheLimitsOfRemoteSlavesOnly() async throws {
        var configuration = SimConfiguration()
        configuration.switchname = "remote"
        configuration.timing.sessionsPerSecond = 30
        configuration.timing.maxSessions = 100
        let remote = try SimSlave.start(configuration)
        defer { remote.stop() }
        let scenario = try RunScenario("""
            { name: 'prepare', slaves: [{ sim: { sps: 200 } }, { host: "127.0.0.1", port: \(remote.port), password: "ClueCon" }],
              call: { dest: "echo@192.0.2.1" }, load: { rate: 10, limit: 20, duration: 1, run_time: 1 },
              prepare: { sps: 777, max_sessions: 4321 } }
            """)
        let result = try await scenario.run()
        #expect(result.status == 0, "\(result.stderr)")
        let slaves = try #require(try scenario.reports().summary["slaves"] as? [String: [String: Any]])
        let remoteFacts = try #require(slaves["127.0.0.1:\(remote.port)"], "\(slaves.keys)")
        #expect(remoteFacts["max_sessions_per_second"] as? Int == 777)
        #expect(remoteFacts["max_sessions"] as? Int == 4321)
        #expect(slaves["sim-1"]?["max_sessions_per_second"] as? Int == 200, "a sim keeps its own sps")
        #expect(remote.limits == (30, 100), "the remote slave's own limits again")
        let prepared = try #require(try scenario.reports().summary["prepare"] as? [[String: Any]])
        #expect(prepared.map { $0["setting"] as? String } == ["sps", "max_sessions"])
        #expect(prepared.map { $0["was"] as? Int } == [30, 100] && prepared.map { $0["set"] as? Int } == [777, 4321])
        #expect(prepared.allSatisfy { $0["restored"] as? Bool == true && $0["slave"] as? String == "127.0.0.1:\(remote.port)" })
        #expect(result.stderr.contains("fsctl sps 30 → 777 for the run, put back"))
    }

    @Test func sigintMidRunWritesCompleteReportsAndExitsFour() async throws {
        let scenario = try RunScenario("{ name: 'int', \(RunScenario.twoSims) load: { rate: 20, limit: 100, duration: 30, run_time: 60 } }")
        let running = try CLIRunner.start(["run", scenario.profile.path, "--out", scenario.results.path])
        // The first progress line comes after a second of offering.
        #expect(await running.waitForError(containing: "target"))
        running.signal(SIGINT)
        #expect(await running.waitForError(containing: "stopping"))
        running.signal(SIGINT)  // the second one hangs up at once
        let result = await running.finished()
        #expect(result.status == 4, "\(result.stderr)")
        let (summary, rows) = try scenario.reports()
        #expect(summary["interrupted"] as? Bool == true)
        #expect(!rows.isEmpty)
    }
}
