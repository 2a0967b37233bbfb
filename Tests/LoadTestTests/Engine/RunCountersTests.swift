@testable import LoadTest
import Testing

/// What the live line's `answered` and `up` count: answers when they are seen, and
/// those whose call has not ended (never more than the calls in flight).
@Suite struct RunCountersTests {
    @Test func answersAreCountedWhenSeenAndCallsUpUntilTheyEnd() {
        let counters = RunCounters()
        for _ in 0..<3 { counters.answerSeen() }
        #expect(counters.answersSeen == 3 && counters.callsUp(inFlight: 5) == 3)
        counters.answeredCallEnded()
        counters.finished(.answered)
        #expect(counters.answersSeen == 3, "an answer stays counted when its call ends")
        #expect(counters.callsUp(inFlight: 4) == 2)
        // Calls lost with their slave after the answer leave the calls in flight
        // without an end: up never exceeds what is in flight.
        #expect(counters.callsUp(inFlight: 0) == 0)
        counters.answeredCallEnded()
        counters.answeredCallEnded()
        counters.answeredCallEnded()
        #expect(counters.callsUp(inFlight: 3) == 0, "never below zero")
    }
}
