import ESL
@testable import LoadTest
import TestSupport
import Testing

/// `api status` as the health sampler reads it, from the real server's replies.
@Suite struct SlaveHealthStatusTests {
    /// Capture 26: 40 calls held 1 s after they were placed in one burst.
    @Test func everyFigureOfCapture26() throws {
        let reply = try #require(try CaptureFrames.frames("26").first { $0.contentType == .apiResponse })
        let status = SlaveHealth.Status(parsing: reply.bodyText)
        #expect(status.sessionsSinceStartup == 54)
        #expect(status.sessions == 40 && status.peakSessions == 40 && status.fiveMinutePeakSessions == 40)
        #expect(status.sessionsPerSecond == 40 && status.maxSessionsPerSecond == 200)
        #expect(status.peakSessionsPerSecond == 40 && status.fiveMinutePeakSessionsPerSecond == 40)
        #expect(status.maxSessions == 2000)
        #expect(status.minIdleCPU == 0 && status.idleCPU == 95.17)
    }

    /// Captures 01 and 10: an idle server (no session, nothing created last second).
    @Test(arguments: [("01", 200, 2000), ("10", 10000, 10000)])
    func anIdleServer(capture: String, sps: Int, maxSessions: Int) throws {
        let replies = try CaptureFrames.frames(capture).filter { $0.contentType == .apiResponse }.map(\.bodyText)
        let text = try #require(replies.first { $0.hasPrefix("UP ") })
        let status = SlaveHealth.Status(parsing: text)
        #expect(status.sessions == 0 && status.sessionsPerSecond == 0)
        #expect(status.maxSessionsPerSecond == sps && status.maxSessions == maxSessions)
        #expect(status.idleCPU != nil)
    }

    /// Anything else (an error, a truncated reply) gives no figure rather than zeros.
    @Test(arguments: [
        "-ERR status Command not found!\n",  // not a status at all
        "",  // an empty reply
        "min idle cpu 0.00\n",  // the pair cut short
    ])
    func noFigureFromAnotherReply(text: String) {
        let status = SlaveHealth.Status(parsing: text)
        #expect(status.sessions == nil && status.sessionsPerSecond == nil && status.idleCPU == nil)
    }
}
