import ESL
import FreeSwitchSim
import Testing

/// The graceful shutdown (`api fsctl shutdown`, the `shutdown_at` fault) step by step
/// on a manual clock, and the restart of `restart_after`.
@Suite(.timeLimit(.minutes(1))) struct ShutdownTests {
    static let answered = "originate {origination_uuid=held-call}sofia/external/echo@127.0.0.1:5090 &park()"
    static let notice = "The system is being shut down.\n"

    func names(_ events: [Event]) -> [String] { events.compactMap(\.name) }

    @Test func bareFsctlShutdownIsNotAnESLCommand() throws {
        let slave = try SimSlave.start(Self.configuration())
        defer { slave.stop() }
        let client = try RawClient(port: slave.port)
        _ = try client.reply()
        try client.send("auth ClueCon\n\nfsctl shutdown\n\n")
        _ = try client.reply()
        #expect(try client.reply()?.replyText == "-ERR command not found")
        try client.send("api status\n\n")
        #expect(try client.reply()?.bodyText.hasPrefix("UP ") == true)
        #expect(slave.isServing)
    }

    @Test func shutdownRunsCapture24sSequenceOnTheClock() async throws {
        let sim = try await SimHarness.start()
        defer { sim.stop() }
        _ = try await sim.bgapi(Self.answered, jobUUID: "j1")
        await sim.collector.next("CHANNEL_PARK")
        let watcher = try RawClient(port: sim.slave.port)
        _ = try watcher.reply()
        try watcher.send("auth ClueCon\n\n")
        _ = try watcher.reply()

        #expect(try await sim.api("fsctl shutdown") == "+OK\n")
        // Originates are refused from the command on: a job, no channel.
        _ = try await sim.bgapi("originate {origination_uuid=too-late}sofia/external/echo@127.0.0.1:5090 &park()", jobUUID: "j2")
        sim.clock.advance(by: 0.29)
        _ = try await sim.api("global_getvar local_ip_v4")
        #expect(!names(sim.collector.events).contains("SHUTDOWN"))
        #expect(sim.slave.channelCount == 1)

        sim.clock.advance(by: 0.01)
        let hangup = await sim.collector.next("CHANNEL_HANGUP")
        #expect(hangup?["Hangup-Cause"] == "SYSTEM_SHUTDOWN")
        await sim.collector.next("CHANNEL_DESTROY")
        #expect(sim.slave.channelCount == 0)
        let shutdown = try #require(names(sim.collector.events).firstIndex(of: "SHUTDOWN"))
        #expect(shutdown < (names(sim.collector.events).firstIndex(of: "CHANNEL_HANGUP") ?? 0))
        #expect(!sim.collector.events.contains { $0.name == "BACKGROUND_JOB" && $0.jobUUID == "j2" })

        sim.clock.advance(by: 0.5)
        let refused = await sim.collector.next("BACKGROUND_JOB") { $0.jobUUID == "j2" }
        #expect(refused?.body == "-ERR CHAN_NOT_IMPLEMENTED\n")
        // After the modules are gone, the refusal is at once.
        _ = try await sim.bgapi("originate {origination_uuid=later-still}sofia/external/echo@127.0.0.1:5090 &park()", jobUUID: "j3")
        let later = await sim.collector.next("BACKGROUND_JOB") { $0.jobUUID == "j3" }
        #expect(later?.body == "-ERR CHAN_NOT_IMPLEMENTED\n")
        #expect(!sim.collector.events.contains { ["too-late", "later-still"].contains($0.uniqueID) })
        #expect(sim.slave.isServing)

        sim.clock.advance(by: 1.18)
        let events = await sim.collector.wait { _ in false }  // returns when the connection closes
        #expect(events.last?.name == "UNPUBLISH")
        #expect(!sim.connection.isOpen)
        #expect(!sim.slave.isServing)
        // An authenticated connection subscribed to nothing gets the notice too.
        #expect(try watcher.readToEOF())
        #expect(watcher.frames.last?.contentType == .disconnectNotice)
        #expect(watcher.frames.last?.bodyText == Self.notice)
        // The port is closed: nothing answers.
        #expect(throws: ESLError.self) { _ = try RawClient(port: sim.slave.port) }
    }

    @Test func aConnectionNotYetAuthenticatedGetsTheNoticeToo() throws {
        let clock = ManualClock()
        let slave = try SimSlave.start(Self.configuration(clock: clock))
        defer { slave.stop() }
        let client = try RawClient(port: slave.port)
        #expect(try client.reply()?.contentType == .authRequest)
        slave.shutDown()
        clock.advance(by: 1.98)
        #expect(try client.readToEOF())
        #expect(client.frames.map(\.contentType) == [.authRequest, .disconnectNotice])
        #expect(client.frames.last?.bodyText == Self.notice)
    }

    @Test func shutdownAtFaultShutsDownAtThatSecond() async throws {
        let sim = try await SimHarness.start { $0.faults.shutdownAtSeconds = 5 }
        defer { sim.stop() }
        sim.clock.advance(by: 4.9)
        _ = try await sim.bgapi(Self.answered, jobUUID: "j1")
        await sim.collector.next("CHANNEL_ANSWER")
        sim.clock.advance(by: 0.1)
        _ = try await sim.api("global_getvar local_ip_v4")
        #expect(!names(sim.collector.events).contains("SHUTDOWN"))
        sim.clock.advance(by: 0.3)
        let hangup = await sim.collector.next("CHANNEL_HANGUP")
        #expect(hangup?["Hangup-Cause"] == "SYSTEM_SHUTDOWN")
        sim.clock.advance(by: 1.68)
        _ = await sim.collector.wait { _ in false }
        #expect(!sim.connection.isOpen)
        #expect(!sim.slave.isServing)
        // Without restart_after it stays down.
        sim.clock.advance(by: 60)
        #expect(!sim.slave.isServing)
        #expect(throws: ESLError.self) { _ = try RawClient(port: sim.slave.port) }
    }

    @Test func restartAfterListensAgainAsAFreshServer() async throws {
        let sim = try await SimHarness.start { $0.faults.restartAfterSeconds = 2 }
        defer { sim.stop() }
        let before = try await sim.api("global_getvar core_uuid")
        _ = try await sim.bgapi(Self.answered, jobUUID: "j1")
        await sim.collector.next("CHANNEL_ANSWER")
        #expect(try await sim.api("fsctl shutdown") == "+OK\n")
        sim.clock.advance(by: 1.98)
        _ = await sim.collector.wait { _ in false }
        sim.clock.advance(by: 1.99)
        #expect(!sim.slave.isServing)
        #expect(throws: ESLError.self) { _ = try RawClient(port: sim.slave.port) }
        sim.clock.advance(by: 0.01)
        #expect(sim.slave.isServing)

        let collector = EventCollector()
        let again = try await Connection.connect(
            host: "127.0.0.1", port: sim.slave.port, password: "ClueCon", onEvent: collector.onEvent, onClose: collector.onClose)
        defer { again.close() }
        _ = try await again.send(.event(.plain, ["ALL"]))
        #expect(try await again.send(.api("global_getvar core_uuid")).bodyText != before)
        let status = try await again.send(.api("status")).bodyText
        #expect(status.contains("\n0 session(s) since startup\n"))
        #expect(status.hasPrefix("UP 0 years, 0 days, 0 hours, 0 minutes, 0 seconds,"))
        _ = try await again.send(.bgapi(Self.answered, jobUUID: "j2"))
        let job = await collector.next("BACKGROUND_JOB") { $0.jobUUID == "j2" }
        #expect(job?.body == "+OK held-call\n")
        #expect(sim.slave.channelCount == 1)
    }

    static func configuration(clock: ManualClock = ManualClock()) -> SimConfiguration {
        var configuration = SimConfiguration()
        configuration.clock = clock
        return configuration
    }
}
