import ESL
import LoadTest
import TestSupport
import Testing

@Suite struct SlaveFactsTests {
    @Test func statusAndBindURLOfCapture10() throws {
        let bodies = try CaptureFrames.frames("10").filter { $0.contentType == .apiResponse }.map(\.bodyText)
        #expect(SlaveFacts.sipAddress(fromProfileStatus: bodies[0]) == "127.0.0.1:5080")
        #expect(SlaveFacts.sipAddress(fromProfileStatus: bodies[1]) == nil, "the profile list has no BIND-URL")
        #expect(SlaveFacts.status(bodies[3]) == .init(sessions: 0, maxSessionsPerSecond: 10000, maxSessions: 10000))
    }

    @Test func statusOfCapture01() throws {
        let status = try #require(try CaptureFrames.frames("01").first { $0.contentType == .apiResponse })
        #expect(SlaveFacts.status(status.bodyText) == .init(sessions: 0, maxSessionsPerSecond: 200, maxSessions: 2000))
    }
}
