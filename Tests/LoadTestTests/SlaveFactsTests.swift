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

    /// `fsctl sps` / `fsctl max_sessions` replies of the real server (captures 17 and 18:
    /// the value read with no argument, then the one set), as `prepare` reads them.
    @Test func fsctlValuesOfCaptures17And18() throws {
        let sps = try CaptureFrames.frames("17").filter { $0.contentType == .apiResponse }.map(\.bodyText)
        #expect(sps.prefix(2).map(SlaveFacts.fsctlValue) == [10000, 2])
        let max = try CaptureFrames.frames("18").filter { $0.contentType == .apiResponse }.map(\.bodyText)
        #expect(max.prefix(2).map(SlaveFacts.fsctlValue) == [10000, 1])
        #expect(SlaveFacts.fsctlValue("-USAGE: [recover|…]\n") == nil)
        #expect(SlaveFacts.fsctlValue("+OK\n") == nil)
    }
}
