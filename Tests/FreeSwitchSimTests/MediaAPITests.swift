import ESL
import FreeSwitchSim
import Testing

/// The media api commands apps send (`uuid_broadcast`, `uuid_record`, `uuid_send_dtmf`,
/// `uuid_ring_ready`) and what a loop-back call's legs make of them. A manual clock: DTMF
/// digits and timeouts arrive when the test moves time.
@Suite(.timeLimit(.minutes(1))) struct MediaAPITests {
    /// A loop-back call (the profile's own address, 127.0.0.1:5080) to `user`.
    static func loopback(_ user: String, _ uuid: String, timeout: Int = 30) -> String {
        "originate {origination_uuid=\(uuid),originate_timeout=\(timeout),switchy_run=r1,sip_h_X-switchy_run=r1}"
            + "sofia/external/\(user)@127.0.0.1:5080 &park()"
    }

    /// Waits for the inbound leg of the loop-back call and returns its uuid.
    static func inboundLeg(_ sim: SimHarness) async throws -> String {
        let create = await sim.collector.next("CHANNEL_CREATE") { $0["Call-Direction"] == "inbound" }
        return try #require(create?.uniqueID)
    }

    @Test(arguments: [
        // FreeSWITCH does not look at switch_ivr_broadcast's status: always "sent".
        ("uuid_broadcast nope /tmp/a.wav", "+OK Message Sent\n"),
        ("uuid_broadcast nope", "-USAGE: <uuid> <path> [aleg|bleg|holdb|both]\n"),
        ("uuid_record nope start /tmp/a.wav", "-ERR Cannot locate session!\n"),
        ("uuid_record nope", "-USAGE: <uuid> [start|stop|mask|unmask] <path> [<limit>] [<recording_vars>]\n"),
        ("uuid_send_dtmf nope 123", "-ERR Cannot locate session!\n"),
        ("uuid_send_dtmf nope", "-USAGE: <uuid> <dtmf_data>\n"),
        ("uuid_ring_ready nope", "-ERR No such channel!\n"),
        ("uuid_ring_ready", "-USAGE: <uuid> [queued]\n"),
    ])
    func repliesForUnknownChannelsAndUsage(_ command: String, _ reply: String) async throws {
        let sim = try await SimHarness.start()
        defer { sim.stop() }
        #expect(try await sim.api(command) == reply)
    }

    @Test func dtmfSentOnOneLegArrivesOnTheOtherOneDigitAtATime() async throws {
        let sim = try await SimHarness.start()
        defer { sim.stop() }
        _ = try await sim.bgapi(Self.loopback("echo", "dtmf-a"), jobUUID: "j1")
        let inbound = try await Self.inboundLeg(sim)
        #expect(await sim.collector.next("BACKGROUND_JOB")?.body == "+OK dtmf-a\n")
        #expect(try await sim.api("uuid_send_dtmf dtmf-a 12#@100") == "+OK Success\n")
        #expect(!sim.collector.events.contains { $0.name == "DTMF" })
        sim.clock.advance(by: 0.3)
        let events = await sim.collector.wait { $0.filter { $0.name == "DTMF" }.count == 3 }
        let dtmf = events.filter { $0.name == "DTMF" }
        #expect(dtmf.map { $0["DTMF-Digit"] ?? "" } == ["1", "2", "#"])
        #expect(dtmf.allSatisfy { $0.uniqueID == inbound && $0["DTMF-Duration"] == "800" && $0["DTMF-Source"] == "RTP" })
        // DTMF carries channel data but no variables: a variable filter drops it.
        #expect(dtmf.allSatisfy { $0["variable_switchy_run"] == nil && $0["Channel-Name"] != nil })
    }

    @Test func broadcastPlaysUntilHangupAndRecordingStopsWithIt() async throws {
        let sim = try await SimHarness.start()
        defer { sim.stop() }
        _ = try await sim.bgapi(Self.loopback("park", "play-a"), jobUUID: "j1")
        let inbound = try await Self.inboundLeg(sim)
        _ = await sim.collector.next("BACKGROUND_JOB")
        #expect(try await sim.api("uuid_record \(inbound) start /tmp/rec.wav") == "+OK Success\n")
        #expect(try await sim.api("uuid_broadcast play-a playback::/tmp/hello.wav aleg") == "+OK Message Sent\n")
        let start = try #require(await sim.collector.next("PLAYBACK_START"))
        #expect(start.uniqueID == "play-a" && start["Playback-File-Path"] == "/tmp/hello.wav")
        #expect(start["variable_switchy_run"] == "r1")
        let record = try #require(await sim.collector.next("RECORD_START"))
        #expect(record.uniqueID == inbound && record["Record-File-Path"] == "/tmp/rec.wav")
        #expect(try await sim.api("uuid_kill play-a") == "+OK\n")
        let events = await sim.collector.wait { $0.contains { $0.name == "CHANNEL_DESTROY" && $0.uniqueID == inbound } }
        let names = events.filter { $0.uniqueID == "play-a" }.map { $0.name ?? "" }
        let stop = try #require(names.firstIndex(of: "PLAYBACK_STOP"))
        #expect(stop > names.firstIndex(of: "CHANNEL_HANGUP")!)
        #expect(stop < names.firstIndex(of: "CHANNEL_HANGUP_COMPLETE")!)
        #expect(events.contains { $0.name == "RECORD_STOP" && $0.uniqueID == inbound })
    }

    @Test func ringReadyOnTheParkedInboundLegRingsTheCallerUntilItsTimeout() async throws {
        let sim = try await SimHarness.start()
        defer { sim.stop() }
        _ = try await sim.bgapi(Self.loopback("noanswer", "ring-a", timeout: 3), jobUUID: "j1")
        let inbound = try await Self.inboundLeg(sim)
        #expect(await sim.collector.next("CHANNEL_PARK") { $0.uniqueID == inbound } != nil)
        #expect(try await sim.api("uuid_ring_ready \(inbound)") == "+OK\n")
        let progress = await sim.collector.next("CHANNEL_PROGRESS") { $0.uniqueID == "ring-a" }
        #expect(progress?["Channel-Call-State"] == "DOWN")
        sim.clock.advance(by: 3)
        #expect(await sim.collector.next("BACKGROUND_JOB")?.body == "-ERR NO_ANSWER\n")
        let cancelled = await sim.collector.next("CHANNEL_HANGUP") { $0.uniqueID == inbound }
        #expect(cancelled?["Hangup-Cause"] == "ORIGINATOR_CANCEL")
        #expect(!sim.collector.events.contains { $0.name == "CHANNEL_ANSWER" })
    }

    @Test(arguments: [
        ("USER_BUSY", "486"),  // the usual busy callee
        ("CALL_REJECTED", "603"),  // a decline
        ("NORMAL_TEMPORARY_FAILURE", "503"),  // an overloaded callee
    ])
    func killingTheInboundLegBeforeAnswerFailsTheOriginateWithItsCause(_ cause: String, _ status: String) async throws {
        let sim = try await SimHarness.start()
        defer { sim.stop() }
        _ = try await sim.bgapi(Self.loopback("noanswer", "kill-a"), jobUUID: "j1")
        let inbound = try await Self.inboundLeg(sim)
        #expect(try await sim.api("uuid_kill \(inbound) \(cause)") == "+OK\n")
        #expect(await sim.collector.next("BACKGROUND_JOB")?.body == "-ERR \(cause)\n")
        let hangup = await sim.collector.next("CHANNEL_HANGUP") { $0.uniqueID == "kill-a" }
        #expect(hangup?["Hangup-Cause"] == cause)
        #expect(hangup?["variable_sip_term_status"] == status)
    }
}
