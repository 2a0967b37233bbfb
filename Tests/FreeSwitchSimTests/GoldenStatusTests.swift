import ESL
import FreeSwitchSim
import Foundation
import TestSupport
import Testing

/// Capture 26 replayed: 40 held calls placed by another connection, then `status`,
/// `show channels|calls [count]`, `bgapi status` as an api command, `fsctl last_sps`,
/// a HEARTBEAT, `hupall`. Every reply must match the capture's byte for byte (digit
/// runs and generated uuids aside), and the HEARTBEAT header set by header set.
@Suite(.timeLimit(.minutes(1))) struct GoldenStatusTests {
    @Test func statusUnderLoadAsCapture26() throws {
        let script = try TimedScript("26")
        let clock = ManualClock(startMicroseconds: script.connectedAt)
        let configuration = SimConfiguration.captureServerA(clock: clock)
        let slave = try SimSlave.start(configuration)
        defer { slave.stop() }
        let recorded = try RawClient(port: slave.port)
        _ = try recorded.reply()
        let originator = try RawClient(port: slave.port)
        _ = try originator.reply()
        try originator.send("auth ClueCon\n\n")
        _ = try originator.reply()

        for step in script.steps {
            let due = script.connectedAt + Int64(step.seconds * 1_000_000)
            if step.text.hasPrefix("api status") {
                // The 40 calls of the unrecorded connection, placed in the first second.
                for _ in 0..<40 {
                    let uuid = UUID().uuidString.lowercased()
                    try originator.send(
                        "bgapi originate {origination_uuid=\(uuid),originate_timeout=10}sofia/external/echo@127.0.0.1:5090 &park()\n\n")
                    _ = try originator.reply()
                }
                #expect(slave.channelCount == 40)
            }
            clock.advance(toMicroseconds: due)
            if step.seconds > 18 && recorded.frames.filter(\.contentType.isEvent).isEmpty {
                // The 20 s heartbeat came just before this command.
                slave.fireHeartbeat()
                _ = try recorded.read { $0.contentType.isEvent }
            }
            try recorded.send(step.bytes)
            _ = try recorded.reply()
            if step.text.hasPrefix("exit") { #expect(try recorded.readToEOF()) }
        }

        var decoder = FrameDecoder()
        decoder.append(try Fixtures.raw("26"))
        var captured: [Frame] = []
        while let frame = try decoder.next() { captured.append(frame) }
        let replies = recorded.frames.filter { !$0.contentType.isEvent }
        let realReplies = captured.filter { !$0.contentType.isEvent }
        #expect(replies.count == realReplies.count)
        for (mine, theirs) in zip(replies, realReplies) {
            #expect(ReplyShape.of(mine) == ReplyShape.of(theirs))
        }
        let heartbeat = try #require(try recorded.frames.first(where: \.contentType.isEvent).map { try Event(frame: $0) })
        let realHeartbeat = try #require(try captured.first(where: \.contentType.isEvent).map { try Event(frame: $0) })
        #expect(EventShape(heartbeat) == EventShape(realHeartbeat))
        // The figures of the capture's HEARTBEAT, but for the 14 sessions its server had
        // before the 40.
        let figures = [
            "Session-Count": "40", "Max-Sessions": "2000", "Session-Per-Sec": "200", "Session-Per-Sec-Last": "0",
            "Session-Per-Sec-Max": "40", "Session-Per-Sec-FiveMin": "40", "Session-Since-Startup": "40",
            "Session-Peak-Max": "40", "Session-Peak-FiveMin": "40",
        ]
        for (name, value) in figures { #expect(heartbeat[name] == value, "\(name)") }

        let bodies = replies.filter { $0.contentType == .apiResponse }.map(\.bodyText)
        #expect(bodies[0].contains("\n40 session(s) - peak 40, last 5min 40 \n"))
        #expect(bodies[0].contains("\n40 session(s) per Sec out of max 200, peak 40, last 5min 40 \n"))
        #expect(bodies[3].hasPrefix("uuid,direction,created,created_epoch,name,state,"))
        #expect(bodies[3].split(separator: "\n", omittingEmptySubsequences: false).count == 1 + 40 + 1 + 1 + 1)
        #expect(bodies[3].hasSuffix("\n\n40 total.\n"))
        #expect(bodies[4].hasPrefix("uuid,direction,created,created_epoch,name,state,cid_name,cid_num,ip_addr,dest,presence_id,"))
        #expect(bodies[4].hasSuffix("\n\n40 total.\n"))
        #expect(bodies[5].hasPrefix("+OK Job-UUID: "))
        #expect(bodies[6] == "+OK last sessions per second: 40\n")
        #expect(bodies.suffix(2) == ["\n0 total.\n", "\n0 total.\n"])
    }
}
