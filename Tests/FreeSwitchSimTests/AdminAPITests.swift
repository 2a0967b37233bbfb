import ESL
import FreeSwitchSim
import Testing

/// The api commands a load generator and its operator use, with the reply shapes of
/// captures 22, 26 and 27.
@Suite(.timeLimit(.minutes(1))) struct AdminAPITests {
    static func originate(_ uuid: String) -> String {
        "originate {origination_uuid=\(uuid)}sofia/external/echo@127.0.0.1:5090 &park()"
    }

    @Test func uuidKillActsAtOnceWithTheGivenCause() async throws {
        // Capture 27: `+OK\n` and the hangup with the given cause, no clock needed.
        let sim = try await SimHarness.start()
        defer { sim.stop() }
        _ = try await sim.bgapi(Self.originate("kill-me"), jobUUID: "j1")
        await sim.collector.next("CHANNEL_ANSWER")
        #expect(try await sim.api("uuid_kill kill-me ALLOTTED_TIMEOUT") == "+OK\n")
        let hangup = await sim.collector.next("CHANNEL_HANGUP")
        #expect(hangup?["Hangup-Cause"] == "ALLOTTED_TIMEOUT")
        #expect(sim.slave.channelCount == 0)
        #expect(try await sim.api("uuid_kill kill-me") == "-ERR No such channel!\n")
        #expect(try await sim.api("uuid_kill") == "-USAGE: <uuid> [cause]\n")
    }

    @Test func schedHangupWaitsForTheWholeSecondWhileUUIDKillDoesNot() async throws {
        // The manual clock starts .487 into a second: `sched_hangup +2` ends the call
        // when the epoch second + 2 begins, 1.513 s later.
        let sim = try await SimHarness.start()
        defer { sim.stop() }
        _ = try await sim.bgapi(Self.originate("scheduled"), jobUUID: "j1")
        await sim.collector.next("CHANNEL_ANSWER")
        #expect(try await sim.api("sched_hangup +2 scheduled") == "+OK\n")
        sim.clock.advance(by: 1.5)
        _ = try await sim.api("global_getvar local_ip_v4")
        #expect(!sim.collector.events.contains { $0.name == "CHANNEL_HANGUP" })
        sim.clock.advance(by: 0.013)
        let hangup = await sim.collector.next("CHANNEL_HANGUP")
        #expect(hangup?["Hangup-Cause"] == "ALLOTTED_TIMEOUT")
    }

    /// What `prepare` reads and sets: `fsctl sps` / `fsctl max_sessions` with no value
    /// only report it, with one set it (captures 17 and 18 word for word), and `status`
    /// shows the new limits.
    @Test func fsctlReportsAndSetsTheLimitsAsTheServerDoes() async throws {
        let sim = try await SimHarness.start()
        defer { sim.stop() }
        #expect(try await sim.api("fsctl sps") == "+OK sessions per second: 200\n")
        #expect(try await sim.api("fsctl sps 2") == "+OK sessions per second: 2\n")
        #expect(try await sim.api("fsctl sps") == "+OK sessions per second: 2\n")
        #expect(try await sim.api("fsctl max_sessions") == "+OK max sessions: 2000\n")
        #expect(try await sim.api("fsctl max_sessions 1") == "+OK max sessions: 1\n")
        let status = try await sim.api("status")
        #expect(status.contains(" per Sec out of max 2, ") && status.contains("\n1 session(s) max\n"))
        #expect(sim.slave.limits == (2, 1))
    }

    @Test func statusCountsLiveSessionsAndTheirRates() async throws {
        let sim = try await SimHarness.start()
        defer { sim.stop() }
        for index in 0..<3 { _ = try await sim.bgapi(Self.originate("call-\(index)"), jobUUID: "j\(index)") }
        await sim.collector.wait { $0.filter { $0.name == "CHANNEL_ANSWER" }.count == 3 }
        sim.clock.advance(by: 1)
        let status = try await sim.api("status")
        #expect(status.contains("\n3 session(s) since startup\n"))
        #expect(status.contains("\n3 session(s) - peak 3, last 5min 3 \n"))
        #expect(status.contains("\n3 session(s) per Sec out of max 200, peak 3, last 5min 3 \n"))
        #expect(status.contains("\n2000 session(s) max\n"))
        #expect(try await sim.api("fsctl last_sps") == "+OK last sessions per second: 3\n")
        _ = try await sim.api("hupall")
        sim.clock.advance(by: 1)
        let after = try await sim.api("status")
        #expect(after.contains("\n0 session(s) - peak 3, last 5min 3 \n"))
        #expect(after.contains("\n0 session(s) per Sec out of max 200, peak 3, last 5min 3 \n"))
        sim.slave.fireHeartbeat()
        let heartbeat = await sim.collector.next("HEARTBEAT")
        #expect(heartbeat?["Session-Count"] == "0")
        #expect(heartbeat?["Session-Since-Startup"] == "3")
        #expect(heartbeat?["Session-Peak-Max"] == "3")
        #expect(heartbeat?["Session-Per-Sec-Max"] == "3")
        // The configured limit (nothing was asked for this second), not a rate.
        #expect(heartbeat?["Session-Per-Sec"] == "200")
        // Five minutes on, the five-minute peaks have started again; the others stay.
        sim.clock.advance(by: 300)
        let later = try await sim.api("status")
        #expect(later.contains("\n0 session(s) - peak 3, last 5min 0 \n"))
        #expect(later.contains("\n0 session(s) per Sec out of max 200, peak 3, last 5min 0 \n"))
    }

    /// The idle CPU falls by `cpu_per_session` for each session up, down to 0, in
    /// `status` (2 decimals, as capture 26) and HEARTBEAT (6 decimals).
    @Test func idleCPUFallsWithTheSessionsUp() async throws {
        let sim = try await SimHarness.start {
            $0.timing.idleCPU = 90
            $0.timing.cpuPerSession = 2.5
        }
        defer { sim.stop() }
        #expect(try await sim.api("status").contains("\nmin idle cpu 0.00/90.00\n"))
        for index in 0..<3 { _ = try await sim.bgapi(Self.originate("cpu-\(index)"), jobUUID: "j\(index)") }
        await sim.collector.wait { $0.filter { $0.name == "CHANNEL_ANSWER" }.count == 3 }
        #expect(try await sim.api("status").contains("\nmin idle cpu 0.00/82.50\n"))
        sim.slave.fireHeartbeat()
        #expect(await sim.collector.next("HEARTBEAT")?["Idle-CPU"] == "82.500000")
        var timing = SimTiming()
        timing.sessionsPerSecond = 200
        timing.maxSessions = 2000
        timing.cpuPerSession = 40
        sim.slave.setTiming(timing)
        #expect(try await sim.api("status").contains("\nmin idle cpu 0.00/0.00\n"), "never below 0")
    }

    @Test func showWithoutCountListsRowsOrOnlyTheTotal() async throws {
        let sim = try await SimHarness.start()
        defer { sim.stop() }
        // No rows: no header line either (mod_commands prints it with the first row).
        #expect(try await sim.api("show channels") == "\n0 total.\n")
        #expect(try await sim.api("show calls") == "\n0 total.\n")
        _ = try await sim.bgapi(Self.originate("listed"), jobUUID: "j1")
        await sim.collector.next("CHANNEL_PARK")
        let channels = try await sim.api("show channels").split(separator: "\n", omittingEmptySubsequences: false)
        #expect(channels.count == 5)
        #expect(channels[0].split(separator: ",").count == 38)
        let row = channels[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(row.count == 38)
        #expect(Array(row.prefix(2)) == ["listed", "outbound"])
        #expect(row[5] == "CS_EXECUTE" && row[10] == "park" && row[21] == "fslab-a" && row[25] == "ACTIVE")
        #expect(Array(channels.suffix(3)) == ["", "1 total.", ""])
        let calls = try await sim.api("show calls").split(separator: "\n", omittingEmptySubsequences: false)
        #expect(calls[0].split(separator: ",").count == 41)
        #expect(calls[1].split(separator: ",", omittingEmptySubsequences: false).count == 41)
        #expect(Array(calls.suffix(3)) == ["", "1 total.", ""])
        #expect(try await sim.api("show nonsense") == "-USAGE: show calls|channels [count|as json]\n")
    }

    @Test func bgapiAsAnAPICommandRunsTheJobInTheBackground() async throws {
        let sim = try await SimHarness.start()
        defer { sim.stop() }
        let reply = try await sim.api("bgapi status")
        #expect(reply.hasPrefix("+OK Job-UUID: ") && reply.hasSuffix("\n"))
        let id = String(reply.dropFirst("+OK Job-UUID: ".count).dropLast())
        let job = await sim.collector.next("BACKGROUND_JOB") { $0.jobUUID == id }
        #expect(job?["Job-Command"] == "status")
        #expect(job?.body?.hasPrefix("UP ") == true)
        let withArgument = try await sim.api("bgapi global_getvar local_ip_v4")
        let second = String(withArgument.dropFirst("+OK Job-UUID: ".count).dropLast())
        let result = await sim.collector.next("BACKGROUND_JOB") { $0.jobUUID == second }
        #expect(result?["Job-Command-Arg"] == "local_ip_v4")
        #expect(result?.body == "127.0.0.1")
    }

    @Test(arguments: [
        ("", "65\n"),  // seconds by default
        ("ms", "65400\n"),
        ("us", "65400000\n"),
        ("m", "1\n"),
        ("days", "0\n"),
        ("fortnights", "-USAGE: [us|ms|s|m|h|d|microseconds|milliseconds|seconds|minutes|hours|days]\n"),
    ])
    func uptimeInWholeUnits(unit: String, expected: String) async throws {
        let sim = try await SimHarness.start(events: nil)
        defer { sim.stop() }
        sim.clock.advance(by: 65.4)
        #expect(try await sim.api(unit.isEmpty ? "uptime" : "uptime \(unit)") == expected)
    }
}
