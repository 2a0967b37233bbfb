@testable import LoadTest
import Testing

/// Server times mapped onto the local clock by the event that travelled fastest.
@Suite struct ServerClockTests {
    /// The server's epoch µs at local time 0 in these rows.
    static let epoch: Int64 = 1_796_432_461_050_964

    @Test func noSampleNoMapping() {
        #expect(ServerClock().local(server: Self.epoch) == nil)
    }

    /// Events read 20 ms, 3 ms, then 2.5 s late (a backlog): the mapping keeps the
    /// fastest (3 ms), so a late answer's server time still maps to when it happened.
    @Test func lateEventsDoNotMoveTheMapping() {
        let clock = ServerClock()
        let sent: [(server: Int64, delay: Int64)] = [
            (Self.epoch + 100_000, 20_000_000),
            (Self.epoch + 200_000, 3_000_000),
            (Self.epoch + 300_000, 2_500_000_000),
        ]
        for event in sent {
            clock.observe(local: (event.server - Self.epoch) * 1000 + event.delay, server: event.server)
        }
        // An answer stamped 4 s in, read 2.5 s late: mapped to 4 s + the 3 ms transit.
        let answer = Self.epoch + 4_000_000
        clock.observe(local: 6_500_000_000, server: answer)
        #expect(clock.local(server: answer) == 4_003_000_000)
    }

    /// A faster event arriving later still improves the mapping.
    @Test func theSmallestSampleWins() {
        let clock = ServerClock()
        clock.observe(local: 1_050_000_000, server: Self.epoch + 1_000_000)
        #expect(clock.local(server: Self.epoch) == 50_000_000)
        clock.observe(local: 2_001_000_000, server: Self.epoch + 2_000_000)
        #expect(clock.local(server: Self.epoch) == 1_000_000)
        clock.observe(local: 3_900_000_000, server: Self.epoch + 3_000_000)
        #expect(clock.local(server: Self.epoch) == 1_000_000)
    }
}
