import ESL
import FreeSwitchSim
import TestSupport
import Testing

/// `text/event-plain` byte for byte: wherever the simulator sends the same value as the
/// real server, the encoded header line must be identical (FreeSWITCH's `%XX` set,
/// uppercase hex, CR/LF encoded, `%XX` not encoded twice).
@Suite(.timeLimit(.minutes(1))) struct PlainEncodingTests {
    /// `Name: encoded value` lines of each event frame, in order.
    static func lines(_ frames: [Frame]) -> [(name: String, lines: [String: String])] {
        frames.filter { $0.contentType == .eventPlain }.map { frame in
            var map: [String: String] = [:]
            var name = ""
            for line in frame.bodyText.split(separator: "\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let header = String(line[..<colon])
                if header == "Event-Name" { name = String(line[line.index(colon, offsetBy: 2)...]) }
                map[header] = String(line)
            }
            return (name, map)
        }
    }

    @Test func sameValuesEncodeLikeTheCapture() throws {
        let script = try TimedScript("02")
        let clock = ManualClock(startMicroseconds: script.connectedAt)
        var configuration = SimConfiguration()
        configuration.clock = clock
        configuration.ipv6 = "fd00::2"
        let slave = try SimSlave.start(configuration)
        defer { slave.stop() }
        let client = try RawClient(port: slave.port)
        _ = try client.reply()
        for step in script.steps.prefix(3) {
            try client.send(step.bytes)
            _ = try client.reply()
        }
        try client.send("api status\n\n")
        _ = try client.reply()
        var decoder = FrameDecoder()
        decoder.append(try Fixtures.raw("02"))
        var captured: [Frame] = []
        while let frame = try decoder.next() { captured.append(frame) }

        let mine = Self.lines(client.frames)
        let theirs = Self.lines(captured)
        var compared = 0
        for (own, real) in zip(mine, theirs) {
            #expect(own.name == real.name)
            for (header, line) in real.lines {
                guard let ownLine = own.lines[header] else { continue }
                let ownValue = URLCoding.decode(Array(ownLine.utf8.dropFirst(header.utf8.count + 2)))
                let realValue = URLCoding.decode(Array(line.utf8.dropFirst(header.utf8.count + 2)))
                if ownValue == realValue {
                    #expect(ownLine == line)
                    compared += 1
                }
            }
        }
        // SDPs, codec names, flags, sofia URLs, dates' shapes…: plenty of values match.
        #expect(compared > 500)
        #expect(mine.first?.lines["FreeSWITCH-IPv6"] == "FreeSWITCH-IPv6: fd00%3A%3A2")
    }
}
