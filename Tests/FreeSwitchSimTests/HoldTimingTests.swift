import ESL
import FreeSwitchSim
import Testing

/// What a generator that ends its calls itself relies on (capture 27): the answer's
/// `Caller-Channel-Answered-Time` is its `Event-Date-Timestamp`, and `uuid_kill` sent
/// 2 s after the answer gives a hangup stamped 2 s after it, on the 20 ms event clock.
@Suite(.timeLimit(.minutes(1))) struct HoldTimingTests {
    @Test func uuidKillTwoSecondsAfterTheAnswerHoldsTheCallTwoSeconds() async throws {
        let sim = try await SimHarness.start()
        defer { sim.stop() }
        _ = try await sim.bgapi(
            "originate {origination_uuid=held}sofia/external/echo@127.0.0.1:5090 &park()", jobUUID: "j1")
        let answer = try #require(await sim.collector.next("CHANNEL_ANSWER"))
        let answered = try #require(answer["Caller-Channel-Answered-Time"].flatMap { Int64($0) })
        #expect(answer["Event-Date-Timestamp"].flatMap { Int64($0) } == answered)
        sim.clock.advance(by: 2)
        #expect(try await sim.api("uuid_kill held ALLOTTED_TIMEOUT") == "+OK\n")
        let hangup = try #require(await sim.collector.next("CHANNEL_HANGUP"))
        #expect(hangup["Hangup-Cause"] == "ALLOTTED_TIMEOUT")
        let hungUp = try #require(hangup["Event-Date-Timestamp"].flatMap { Int64($0) })
        #expect(hungUp - answered == 2_000_000, "2.000 s on the server's clock, as in capture 27")
        let complete = try #require(await sim.collector.next("CHANNEL_HANGUP_COMPLETE"))
        #expect(complete["Caller-Channel-Hangup-Time"].flatMap { Int64($0) } == hungUp)
    }
}
