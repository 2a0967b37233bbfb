import ESL
import FreeSwitchSim
import Foundation
import Testing

/// The timing model under a manual clock: nothing sleeps, time moves when the test
/// says so. An `api` round trip is the barrier: every event queued before a command
/// is written before its reply.
@Suite(.timeLimit(.minutes(1))) struct TimingTests {
    static func originate(_ user: String, _ uuid: String, extra: String = "") -> String {
        "originate {origination_uuid=\(uuid)\(extra)}sofia/external/\(user)@127.0.0.1:5090 &park()"
    }

    @Test func answerDelayWaitsForTheClock() async throws {
        let sim = try await SimHarness.start { $0.timing.answerDelay = .fixed(2) }
        defer { sim.stop() }
        _ = try await sim.bgapi(Self.originate("echo", "slow"), jobUUID: "j1")
        _ = try await sim.api("status")
        #expect(!sim.collector.events.contains { $0.name == "CHANNEL_ANSWER" })
        sim.clock.advance(by: 1.9)
        _ = try await sim.api("status")
        #expect(!sim.collector.events.contains { $0.name == "CHANNEL_ANSWER" })
        sim.clock.advance(by: 0.1)
        let answer = try #require(await sim.collector.next("CHANNEL_ANSWER"))
        let created = try #require(Int64(answer["Caller-Channel-Created-Time"] ?? ""))
        let answered = try #require(Int64(answer["Caller-Channel-Answered-Time"] ?? ""))
        #expect(answered - created == 2_000_000)
        // Server times move in 20 ms core ticks.
        let stamps = sim.collector.events.compactMap { Int64($0["Event-Date-Timestamp"] ?? "") }
        #expect(stamps.allSatisfy { ($0 - stamps[0]) % 20_000 == 0 })
    }

    /// A profile's far end (`ringsBeforeAnswer`): `echo` rings at the ring delay, then
    /// answers at the answer delay; `ringanswer` answers at the answer delay too, not
    /// the lab's 1 s after its ring.
    @Test func aProfilesFarEndRingsThenAnswersAtItsDelays() async throws {
        let sim = try await SimHarness.start { configuration in
            configuration.timing.ringsBeforeAnswer = true
            configuration.timing.ringDelay = .fixed(0.1)
            configuration.timing.answerDelay = .fixed(0.4)
        }
        defer { sim.stop() }
        for user in ["echo", "ringanswer"] {
            _ = try await sim.bgapi(Self.originate(user, user), jobUUID: "job-\(user)")
        }
        _ = try await sim.api("status")
        sim.clock.advance(by: 0.1)
        for user in ["echo", "ringanswer"] {
            let progress = try #require(await sim.collector.next("CHANNEL_PROGRESS") { $0.uniqueID == user })
            #expect(progress["Caller-Channel-Progress-Time"] != "0")
        }
        #expect(!sim.collector.events.contains { $0.name == "CHANNEL_ANSWER" })
        sim.clock.advance(by: 0.3)
        for user in ["echo", "ringanswer"] {
            let answer = try #require(await sim.collector.next("CHANNEL_ANSWER") { $0.uniqueID == user })
            let created = try #require(Int64(answer["Caller-Channel-Created-Time"] ?? ""))
            let progress = try #require(Int64(answer["Caller-Channel-Progress-Time"] ?? ""))
            let answered = try #require(Int64(answer["Caller-Channel-Answered-Time"] ?? ""))
            #expect(progress - created == 100_000 && answered - created == 400_000, "\(user)")
        }
    }

    @Test func failureRatioUsesTheCauseMix() async throws {
        let sim = try await SimHarness.start { configuration in
            configuration.timing.failureRatio = 1
            configuration.timing.failureCauses = [.init(cause: "CALL_REJECTED", sipStatus: 603)]
        }
        defer { sim.stop() }
        _ = try await sim.bgapi(Self.originate("echo", "failing"), jobUUID: "j1")
        let job = await sim.collector.next("BACKGROUND_JOB")
        #expect(job?.body == "-ERR CALL_REJECTED\n")
        let hangup = await sim.collector.next("CHANNEL_HANGUP")
        #expect(hangup?["variable_sip_term_status"] == "603")
    }

    @Test func sessionsPerSecondRefusesBeyondTheBudgetUntilTheNextSecond() async throws {
        let sim = try await SimHarness.start { $0.timing.sessionsPerSecond = 30 }
        defer { sim.stop() }
        var results: [String] = []
        for index in 0..<31 {
            _ = try await sim.bgapi(Self.originate("echo", "sps-\(index)"), jobUUID: "job-\(index)")
            let job = await sim.collector.next("BACKGROUND_JOB") { $0.jobUUID == "job-\(index)" }
            results.append(job?.body ?? "")
        }
        #expect(results.filter { $0.hasPrefix("+OK") }.count == 29)
        #expect(results.suffix(2) == ["-ERR DESTINATION_OUT_OF_ORDER\n", "-ERR DESTINATION_OUT_OF_ORDER\n"])
        #expect(!sim.collector.events.contains { $0.uniqueID == "sps-30" })
        sim.clock.advance(by: 1)
        _ = try await sim.bgapi(Self.originate("echo", "next-second"), jobUUID: "job-next")
        let job = await sim.collector.next("BACKGROUND_JOB") { $0.jobUUID == "job-next" }
        #expect(job?.body == "+OK next-second\n")
    }

    @Test func duplicateUUIDIsRefusedWithoutChannelEvents() async throws {
        let sim = try await SimHarness.start()
        defer { sim.stop() }
        _ = try await sim.bgapi(Self.originate("echo", "twice"), jobUUID: "first")
        await sim.collector.next("BACKGROUND_JOB") { $0.jobUUID == "first" }
        let before = sim.collector.events.filter { $0.uniqueID == "twice" }.count
        _ = try await sim.bgapi(Self.originate("echo", "twice"), jobUUID: "second")
        let job = await sim.collector.next("BACKGROUND_JOB") { $0.jobUUID == "second" }
        #expect(job?.body == "-ERR DESTINATION_OUT_OF_ORDER\n")
        #expect(sim.collector.events.filter { $0.uniqueID == "twice" }.count == before)
        #expect(try await sim.api("uuid_exists twice") == "true")
    }

    @Test func heartbeatEveryIntervalWithTheCaptureHeaders() async throws {
        let sim = try await SimHarness.start(events: "plain HEARTBEAT RE_SCHEDULE")
        defer { sim.stop() }
        sim.clock.advance(by: 20)
        let beat = try #require(await sim.collector.next("HEARTBEAT"))
        let schedule = try #require(await sim.collector.next("RE_SCHEDULE"))
        let captured = try CaptureEvents.load("02")
        let realBeat = try #require(captured.first { $0.name == "HEARTBEAT" })
        let realSchedule = try #require(captured.first { $0.name == "RE_SCHEDULE" })
        #expect(EventShape(beat) == EventShape(realBeat))
        #expect(EventShape(schedule) == EventShape(realSchedule))
        #expect(beat["Session-Per-Sec"] == "200")
        #expect(beat["Max-Sessions"] == "2000")
    }

    @Test func apiOriginateBlocksTheConnection() async throws {
        // Capture 15: nothing arrives during a blocking `api originate`; the response
        // comes first, then the call's events.
        let sim = try await SimHarness.start(events: "plain CHANNEL_CALLSTATE")
        defer { sim.stop() }
        let port = sim.slave.port
        let raw = try await onThread { () throws -> RawClient in
            let client = try RawClient(port: port)
            _ = try client.reply()
            try client.send("auth ClueCon\n\nevent plain ALL\n\n")
            _ = try client.reply()
            _ = try client.reply()
            try client.send("api originate {origination_uuid=blocking,originate_timeout=3}sofia/external/ring@127.0.0.1:5090 &park()\n\n")
            return client
        }
        await sim.collector.next("CHANNEL_CALLSTATE") { $0["Channel-Call-State"] == "RINGING" }
        sim.clock.advance(by: 3)
        let frames = try await onThread { () throws -> [Frame] in
            _ = try raw.reply()
            _ = try raw.read { frame in
                guard frame.contentType.isEvent, let event = try? Event(frame: frame) else { return false }
                return event.name == "CHANNEL_STATE" && event["Channel-State"] == "CS_DESTROY"
            }
            return raw.frames
        }
        let afterGreeting = Array(frames.drop { !($0.contentType == .commandReply && $0.replyText?.hasPrefix("+OK event") == true) }.dropFirst())
        #expect(afterGreeting.first?.contentType == .apiResponse)
        #expect(afterGreeting.first?.bodyText == "-ERR NO_ANSWER\n")
        let names = try afterGreeting.dropFirst().map { try Event(frame: $0).name ?? "" }
        let real = try CaptureEvents.load("15").map { $0.name ?? "" }.filter { $0 != "HEARTBEAT" && $0 != "RE_SCHEDULE" }
        #expect(names == real)
        #expect(names.firstIndex(of: "API")! > names.firstIndex(of: "CHANNEL_HANGUP")!)
    }
}

/// Runs blocking socket work on its own thread, off the cooperative pool.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
