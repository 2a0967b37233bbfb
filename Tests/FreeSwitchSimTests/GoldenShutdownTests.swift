import ESL
import FreeSwitchSim
import TestSupport
import Testing

/// Capture 24 replayed: seven held calls (two of them loop-back calls into the slave
/// itself), `api fsctl shutdown` on a second connection, three originates on a third
/// while it goes down; every connection gets the notice and EOF. The recorded
/// connection's events must match the capture's header set by header set (MODULE_UNLOAD,
/// which the simulator leaves out, aside) and its replies must match byte for byte
/// (digits and generated uuids aside).
@Suite(.timeLimit(.minutes(1))) struct GoldenShutdownTests {
    static let notice = "The system is being shut down.\n"

    /// The originates connection #3 sent while the server went down, from the
    /// capture's API events.
    static func lateOriginates() throws -> [String] {
        let events = try CaptureEvents.load("24")
        let shutdown = try #require(events.firstIndex { $0.name == "SHUTDOWN" })
        return events[shutdown...].filter { $0.name == "API" && $0["API-Command"] == "originate" }
            .map { "originate \($0["API-Command-Argument"] ?? "")" }
    }

    static func authenticate(_ client: RawClient) throws {
        _ = try client.reply()
        try client.send("auth ClueCon\n\n")
        _ = try client.reply()
    }

    @Test func gracefulShutdownAsCapture24() throws {
        let script = try TimedScript("24")
        let clock = ManualClock(startMicroseconds: script.connectedAt)
        var configuration = SimConfiguration.captureServerA(clock: clock)
        configuration.profiles = [SofiaProfile(name: "external", sipIP: "127.0.0.1", sipPort: 5100)]
        let slave = try SimSlave.start(configuration)
        defer { slave.stop() }
        let recorded = try RawClient(port: slave.port)
        let control = try RawClient(port: slave.port)
        let late = try RawClient(port: slave.port)
        try Self.authenticate(recorded)
        try Self.authenticate(control)
        try Self.authenticate(late)
        try late.send("event plain BACKGROUND_JOB\n\n")
        _ = try late.reply()

        let originates = try CaptureEvents.originates("24").map(\.command)
        #expect(originates.count == 7)
        try recorded.send("event plain ALL\n\n")
        _ = try recorded.reply()
        for originate in originates {
            try recorded.send("bgapi \(originate)\n\n")
            _ = try recorded.reply()
        }
        // The 1 s hold, then the command on connection #2.
        clock.advance(by: 1)
        try control.send("api fsctl shutdown\n\n")
        #expect(try control.reply()?.bodyText == "+OK\n")
        clock.advance(by: 0.3)
        let lates = try Self.lateOriginates()
        #expect(lates.count == 3)
        for (index, originate) in lates.enumerated() {
            clock.advance(by: index == 0 ? 0.016 : 0.1)
            try late.send("bgapi \(originate)\n\n")
            #expect(try late.reply()?.replyText?.hasPrefix("+OK Job-UUID: ") == true)
        }
        clock.advance(by: 1.985 - 0.516)
        for client in [recorded, control, late] {
            #expect(try client.readToEOF())
            let last = try #require(client.frames.last)
            #expect(last.contentType == .disconnectNotice)
            #expect(last.bodyText == Self.notice)
        }
        #expect(!slave.isServing)
        #expect(control.frames.map(\.contentType) == [.authRequest, .commandReply, .apiResponse, .disconnectNotice])

        let simulated = try recorded.frames.filter(\.contentType.isEvent).map { try Event(frame: $0) }
        let captured = try CaptureEvents.load("24")
        var comparison = CaptureComparison(knownUUIDs: Set((originates + lates).map(GoldenFidelityTests.uuid(of:))))
        comparison.ignored.insert("MODULE_UNLOAD")
        // One of the capture's two inbound loop-back legs has these on its CHANNEL_EXECUTE
        // (echo), the other not: they come with the ACK, which races the dialplan.
        comparison.racing["CHANNEL_EXECUTE"] = ["variable_sip_cseq", "variable_sip_to_tag"]
        comparison.compare(simulated, captured)
        var decoder = FrameDecoder()
        decoder.append(try Fixtures.raw("24"))
        var replies: [Frame] = []
        while let frame = try decoder.next() {
            if !frame.contentType.isEvent { replies.append(frame) }
        }
        #expect(recorded.frames.filter { !$0.contentType.isEvent }.map(ReplyShape.of) == replies.map(ReplyShape.of))

        // The facts the README states, on the simulator's stream.
        let shutdown = try #require(simulated.firstIndex { $0.name == "SHUTDOWN" })
        let fsctl = try #require(simulated.firstIndex { $0.name == "API" && $0["API-Command"] == "fsctl" })
        #expect(fsctl < shutdown)
        let hangups = simulated.indices.filter { simulated[$0].name == "CHANNEL_HANGUP" }
        #expect(hangups.count == 9)
        #expect(hangups.allSatisfy { simulated[$0]["Hangup-Cause"] == "SYSTEM_SHUTDOWN" && $0 > shutdown })
        let firstComplete = try #require(simulated.firstIndex { $0.name == "CHANNEL_HANGUP_COMPLETE" })
        #expect(hangups.allSatisfy { $0 < firstComplete })
        let lateUUIDs = Set(lates.map(GoldenFidelityTests.uuid(of:)))
        #expect(!simulated.contains { $0.uniqueID.map(lateUUIDs.contains) == true })
        let refusals = simulated.filter { $0.name == "BACKGROUND_JOB" && $0.body == "-ERR CHAN_NOT_IMPLEMENTED\n" }
        #expect(refusals.count == 3)
        let lateJobs = try late.frames.filter(\.contentType.isEvent).map { try Event(frame: $0) }
        #expect(lateJobs.suffix(3).map(\.body) == Array(repeating: "-ERR CHAN_NOT_IMPLEMENTED\n", count: 3))
        #expect(simulated.last?.name == "UNPUBLISH")
        #expect(slave.channelCount == 0)
    }
}
