import ESL
import FreeSwitchSim
import Testing

/// The simulator's event names, their order, and each event's header names against
/// the real FreeSWITCH 1.10.12 captures (values aside).
@Suite(.timeLimit(.minutes(1))) struct GoldenFidelityTests {
    /// Events the golden comparison ignores: the periodic ones, which arrive whenever
    /// the real server's timer fired.
    static let periodic: Set<String> = ["HEARTBEAT", "RE_SCHEDULE"]

    func shapes(_ events: [Event]) -> [EventShape] {
        events.filter { !Self.periodic.contains($0.name ?? "") }.map(EventShape.init)
    }

    func compare(_ simulated: [Event], _ captured: [Event], sourceLocation: SourceLocation = #_sourceLocation) {
        let sim = shapes(simulated)
        let real = shapes(captured)
        #expect(sim.map(\.name) == real.map(\.name), sourceLocation: sourceLocation)
        for (index, (mine, theirs)) in zip(sim, real).enumerated() where mine != theirs {
            Issue.record("event #\(index + 1) \(mine.difference(from: theirs))", sourceLocation: sourceLocation)
        }
    }

    @Test func answeredCallAsCapture02() async throws {
        let sim = try await SimHarness.start()
        defer { sim.stop() }
        let (originate, _) = try #require(try CaptureEvents.originates("02").first)
        let uuid = "8d4a2dec-b5ae-4266-b912-b89c78b05e3e"
        _ = try await sim.bgapi(originate, jobUUID: "job-02")
        await sim.collector.next("CHANNEL_PARK")
        #expect(try await sim.api("uuid_kill \(uuid)") == "+OK\n")
        let events = await sim.collector.wait { $0.contains { $0.name == "CHANNEL_STATE" && $0["Channel-State"] == "CS_DESTROY" } }
        compare(events, try CaptureEvents.load("02"))
        let job = try #require(events.first { $0.name == "BACKGROUND_JOB" })
        #expect(job.body == "+OK \(uuid)\n")
    }

    /// The `origination_uuid` of an originate line.
    static func uuid(of originate: String) -> String {
        let start = originate.range(of: "origination_uuid=")!.upperBound
        return String(originate[start...].prefix { $0 != "," && $0 != "}" })
    }

    static func destroyed(_ uuid: String) -> @Sendable ([Event]) -> Bool {
        { $0.contains { $0.name == "CHANNEL_STATE" && $0["Channel-State"] == "CS_DESTROY" && $0.uniqueID == uuid } }
    }

    @Test func rejectedCallsAsCapture04() async throws {
        // busy → 486 USER_BUSY, doesnotexist → 404 NO_ROUTE_DESTINATION, unknown profile → INVALID_PROFILE.
        let sim = try await SimHarness.start()
        defer { sim.stop() }
        let originates = try CaptureEvents.originates("04")
        #expect(originates.count == 3)
        var results: [String] = []
        for (index, (originate, _)) in originates.enumerated() {
            let job = "job-04-\(index)"
            _ = try await sim.bgapi(originate, jobUUID: job)
            let done = await sim.collector.wait { events in
                events.contains { $0.name == "CHANNEL_STATE" && $0["Channel-State"] == "CS_DESTROY" && $0.uniqueID == Self.uuid(of: originate) }
                    && events.contains { $0.name == "BACKGROUND_JOB" && $0.jobUUID == job }
            }
            results.append(done.last { $0.jobUUID == job && $0.name == "BACKGROUND_JOB" }?.body ?? "")
        }
        #expect(results == ["-ERR USER_BUSY\n", "-ERR NO_ROUTE_DESTINATION\n", "-ERR INVALID_PROFILE\n"])
        compare(sim.collector.events, try CaptureEvents.load("04"))
    }

    @Test func ringTimeoutAsCapture05() async throws {
        let sim = try await SimHarness.start()
        defer { sim.stop() }
        let (originate, _) = try #require(try CaptureEvents.originates("05").first)
        _ = try await sim.bgapi(originate, jobUUID: "job-05")
        await sim.collector.next("CHANNEL_CALLSTATE") { $0["Channel-Call-State"] == "RINGING" }
        sim.clock.advance(by: 3)
        let events = await sim.collector.wait(until: Self.destroyed(Self.uuid(of: originate)))
        #expect(events.first { $0.name == "BACKGROUND_JOB" }?.body == "-ERR NO_ANSWER\n")
        compare(events, try CaptureEvents.load("05"))
    }

    @Test func earlyMediaAsCapture21() async throws {
        // (a) default: +OK on early media, answer 1 s later; (b) ignore_early_media=true.
        let sim = try await SimHarness.start()
        defer { sim.stop() }
        for (index, (originate, _)) in try CaptureEvents.originates("21").enumerated() {
            let uuid = Self.uuid(of: originate)
            _ = try await sim.bgapi(originate, jobUUID: "job-21-\(index)")
            await sim.collector.next("CHANNEL_CALLSTATE") { $0.uniqueID == uuid && $0["Channel-Call-State"] == "EARLY" }
            sim.clock.advance(by: 1)
            await sim.collector.next("CHANNEL_PARK") { $0.uniqueID == uuid }
            await sim.collector.next("CHANNEL_ANSWER") { $0.uniqueID == uuid }
            #expect(try await sim.api("uuid_kill \(uuid)") == "+OK\n")
            await sim.collector.wait(until: Self.destroyed(uuid))
        }
        compare(sim.collector.events, try CaptureEvents.load("21"))
    }

    @Test func loopbackCallBothLegsAsCapture11() async throws {
        let sim = try await SimHarness.start()
        defer { sim.stop() }
        let (originate, job) = try #require(try CaptureEvents.originates("11").first)
        let uuid = Self.uuid(of: originate)
        _ = try await sim.bgapi(originate, jobUUID: try #require(job))
        await sim.collector.next("CHANNEL_PARK") { $0.uniqueID == uuid }
        sim.clock.advance(by: 2)
        let events = await sim.collector.wait { events in
            events.filter { $0.name == "CHANNEL_STATE" && $0["Channel-State"] == "CS_DESTROY" }.count == 2
        }
        compare(events, try CaptureEvents.load("11"))
        let hangup = try #require(events.first { $0.name == "CHANNEL_HANGUP" && $0.uniqueID == uuid })
        #expect(hangup["Hangup-Cause"] == "ALLOTTED_TIMEOUT")
        let inbound = try #require(events.first { $0.name == "CHANNEL_CREATE" && $0.uniqueID != uuid })
        let outbound = try #require(events.first { $0.name == "CHANNEL_CREATE" && $0.uniqueID == uuid })
        #expect(outbound["variable_switchy_run"] == "run-7f3a")
        #expect(inbound["variable_switchy_run"] == nil)
        #expect(inbound["variable_sip_h_X-switchy_run"] == "run-7f3a")
        #expect(inbound["variable_sip_h_X-switchy_orig"] == uuid)
        let answered = try #require(events.first { $0.name == "CHANNEL_ANSWER" && $0.uniqueID == uuid })
        #expect(answered["variable_sip_call_id"] == inbound["variable_sip_call_id"])
    }
}
