import ESL
import FreeSwitchSim
import TestSupport
import Testing

/// Replies, auth and framing against the captures, byte for byte where the capture's
/// values are not the simulator's own (then digit runs and generated uuids aside).
@Suite(.timeLimit(.minutes(1))) struct ProtocolTests {
    func startSlave(_ configure: (inout SimConfiguration) -> Void = { _ in }) throws -> SimSlave {
        var configuration = SimConfiguration()
        configuration.clock = ManualClock()
        configuration.timing.sessionsPerSecond = 10000
        configuration.timing.maxSessions = 10000
        configure(&configuration)
        return try SimSlave.start(configuration)
    }

    /// Sends the capture's commands one at a time, as its client did, and returns the
    /// reply frames (and notices) of both sides.
    func replay(_ name: String, on slave: SimSlave) throws -> (simulated: [Frame], captured: [Frame]) {
        let client = try RawClient(port: slave.port)
        _ = try client.read { $0.contentType == .authRequest }
        for send in try SentScript.load(name).sends {
            try client.send(send.bytes)
            _ = try client.reply()
            if send.text.hasPrefix("exit") { _ = try client.readToEOF() }
        }
        var decoder = FrameDecoder()
        decoder.append(try Fixtures.raw(name))
        var captured: [Frame] = []
        while let frame = try decoder.next() { captured.append(frame) }
        return (client.frames.filter { !$0.contentType.isEvent }, captured.filter { !$0.contentType.isEvent })
    }

    @Test(arguments: [
        "01",  // auth, api status, global_getvar, unknown api, show channels as json, exit
        "14",  // every command-reply text
        "12",  // api before auth, then auth, a second auth
        "10",  // sofia status (profile), fsctl sps, status
    ])
    func repliesMatchCapture(_ name: String) throws {
        let slave = try startSlave { configuration in
            configuration.ipv4 = "192.0.2.2"
            if name == "10" || name == "12" || name == "14" {
                configuration.timing.sessionsPerSecond = 10000
            } else {
                configuration.timing.sessionsPerSecond = 200
                configuration.timing.maxSessions = 2000
            }
        }
        defer { slave.stop() }
        let (simulated, captured) = try replay(name, on: slave)
        #expect(simulated.map(ReplyShape.of) == captured.map(ReplyShape.of))
    }

    @Test func wrongPasswordGetsInvalidNoticeAndClose() throws {
        let slave = try startSlave()
        defer { slave.stop() }
        let client = try RawClient(port: slave.port)
        try client.send("auth wrong\n\n")
        #expect(try client.readToEOF())
        var decoder = FrameDecoder()
        decoder.append(try Fixtures.raw("07"))
        var captured: [[UInt8]] = []
        while let frame = try decoder.next() { captured.append(frame.rawBytes) }
        #expect(client.frames.map(\.rawBytes) == captured, "byte for byte as capture 07")
        #expect(client.frames.last?.body.count == 67)
    }

    @Test func connectionReportsAuthenticationFailure() async throws {
        let slave = try startSlave()
        defer { slave.stop() }
        await #expect(throws: ESLError.authenticationFailed(endpoint: "127.0.0.1:\(slave.port)")) {
            _ = try await Connection.connect(host: "127.0.0.1", port: slave.port, password: "nope")
        }
    }

    @Test func commandsTolerateCRLFAndLeadingBlankLines() throws {
        let slave = try startSlave()
        defer { slave.stop() }
        let client = try RawClient(port: slave.port)
        #expect(try client.reply()?.contentType == .authRequest)
        try client.send("\n\r\nauth ClueCon\r\n\r\n")
        #expect(try client.reply()?.replyText == "+OK accepted")
        try client.send("Api global_getvar local_ip_v4\r\n\r\n")
        #expect(try client.reply()?.bodyText == "127.0.0.1")
    }

    @Test func bgapiHonoursOwnJobUUIDWithTrailingSpace() async throws {
        let sim = try await SimHarness.start(events: "plain BACKGROUND_JOB")
        defer { sim.stop() }
        let reply = try await sim.connection.send(.bgapi("status", jobUUID: "my-own-job-0002 "))
        #expect(reply.replyText == "+OK Job-UUID: my-own-job-0002 ")
        #expect(reply["Job-UUID"] == "my-own-job-0002 ")
        let job = await sim.collector.next("BACKGROUND_JOB")
        #expect(job?.jobUUID == "my-own-job-0002 ")
        #expect(job?["Job-Command"] == "status")
        #expect(job?.contains("Job-Command-Arg") == false)
        #expect(job?.body?.hasPrefix("UP 0 years") == true)
    }

    @Test func rudeRejectionThenNoticeThenClose() async throws {
        let slave = try startSlave { $0.faults.rudeRejection = true }
        defer { slave.stop() }
        let client = try RawClient(port: slave.port)
        #expect(try client.readToEOF())
        #expect(client.frames.map(\.contentType) == [.rudeRejection, .disconnectNotice])
        #expect(client.frames.first?.bodyText == "Access Denied, go away.\n")
        await #expect(throws: ESLError.self) {
            _ = try await Connection.connect(host: "127.0.0.1", port: slave.port, password: "ClueCon")
        }
    }

    @Test func refuseAuthFault() async throws {
        let slave = try startSlave { $0.faults.refuseAuth = true }
        defer { slave.stop() }
        await #expect(throws: ESLError.authenticationFailed(endpoint: "127.0.0.1:\(slave.port)")) {
            _ = try await Connection.connect(host: "127.0.0.1", port: slave.port, password: "ClueCon")
        }
    }
}
