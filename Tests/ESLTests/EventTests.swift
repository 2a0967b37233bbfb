import ESL
import TestSupport
import Testing

@Suite struct EventTests {
    @Test func plainValuesAreURLDecodedOnAccess() throws {
        let create = try #require(try CaptureFrames.events("02").first { $0.name == "CHANNEL_CREATE" })
        #expect(create["Channel-Name"] == "sofia/external/echo@127.0.0.1:5090")  // %40 %3A on the wire
        #expect(create["Event-Date-Local"] == "2026-11-26 21:32:54")
        #expect(create.uniqueID == "8d4a2dec-b5ae-4266-b912-b89c78b05e3e")
        #expect(create.headerCount == 78)
        #expect(create.format == .plain)
    }

    @Test func namesCompareCaseInsensitively() throws {
        let create = try #require(try CaptureFrames.events("02").first { $0.name == "CHANNEL_CREATE" })
        #expect(create["event-name"] == "CHANNEL_CREATE")
        #expect(create["UNIQUE-ID"] == create["Unique-ID"])
        #expect(create["No-Such-Header"] == nil)
        #expect(!create.contains("No-Such-Header"))
    }

    @Test func duplicateHeadersAreKeptAndTheLastWins() throws {
        let events = try CaptureFrames.events("02")
        let complete = try #require(events.first { $0.name == "CHANNEL_HANGUP_COMPLETE" })
        #expect(complete.all("Hangup-Cause") == ["NORMAL_CLEARING", "NORMAL_CLEARING"])
        #expect(complete["Hangup-Cause"] == "NORMAL_CLEARING")
        #expect(complete.headerNames.filter { $0 == "Hangup-Cause" }.count == 2)
        // CODEC repeats the write codec's name and rate (in another case).
        let codec = try #require(events.first { $0.name == "CODEC" && $0.all("Channel-Write-Codec-Name").count == 2 })
        #expect(codec.all("channel-write-codec-rate").count == 2)
    }

    @Test func backgroundJobBodiesOfCapture04() throws {
        let jobs = try CaptureFrames.events("04").filter { $0.name == "BACKGROUND_JOB" }
        #expect(jobs.map(\.body) == ["-ERR USER_BUSY\n", "-ERR NO_ROUTE_DESTINATION\n", "-ERR INVALID_PROFILE\n"])
        #expect(jobs.allSatisfy { $0["Job-Command"] == "originate" })
        #expect(jobs[0]["Job-Command-Arg"]?.hasPrefix("{origination_uuid=995695bf-8f99-46c6-8977-dad8d2b86335,") == true)
    }

    @Test func answeredJobBodyIsPlusOKAndTheChannelUUID() throws {
        let job = try #require(try CaptureFrames.events("02").first { $0.name == "BACKGROUND_JOB" })
        #expect(job.body == "+OK 8d4a2dec-b5ae-4266-b912-b89c78b05e3e\n")
    }

    @Test func jsonEventsGiveTheSameInterfaceAsPlainOnes() throws {
        let json = try CaptureFrames.events("03")
        let plain = try CaptureFrames.events("02")
        #expect(json.allSatisfy { $0.format == .json })
        let jsonCreate = try #require(json.first { $0.name == "CHANNEL_CREATE" })
        let plainCreate = try #require(plain.first { $0.name == "CHANNEL_CREATE" })
        #expect(jsonCreate.headerNames == plainCreate.headerNames)
        #expect(jsonCreate["Channel-Name"] == "sofia/external/echo@127.0.0.1:5090")
        #expect(jsonCreate["FreeSWITCH-IPv6"] == plainCreate["FreeSWITCH-IPv6"])
        let job = try #require(json.first { $0.name == "BACKGROUND_JOB" })
        #expect(job.body == "+OK eee11ba4-06d4-4f3f-b8ed-ee9d54a1a8d5\n")
        #expect(!job.contains("_body"))
        let complete = try #require(json.first { $0.name == "CHANNEL_HANGUP_COMPLETE" })
        #expect(complete.all("Hangup-Cause").count == 2, "duplicate JSON keys are kept")
    }

    @Test func xmlEventsAreFramedAndKeptAsText() throws {
        let frame = try decodeOne("Content-Length: 25\nContent-Type: text/event-xml\n\n<event><headers/></event>")
        let event = try Event(frame: frame)
        #expect(event.format == .xml)
        #expect(event.body == "<event><headers/></event>")
    }

    @Test func plusIsNeverASpace() throws {
        let event = try plainEvent("Event-Name: CUSTOM\nX-Sum: 1+1%2B1%20%3D%203\n\n")
        #expect(event["X-Sum"] == "1+1+1 = 3")
    }

    @Test func invalidUTF8IsReplacedNotFatal() throws {
        let plain = try plainEvent("Event-Name: CUSTOM\nCaller-Caller-ID-Name: Jos%E9%FF\n\n")
        #expect(plain["Caller-Caller-ID-Name"] == "Jos\u{FFFD}\u{FFFD}")
        // cJSON copies bytes >= 0x80 raw, so JSON can hold invalid UTF-8 too.
        var body: [UInt8] = Array(#"{"Event-Name":"CUSTOM","Caller-Caller-ID-Name":"Jos"#.utf8)
        body += [0xE9]
        body += Array(#"","Escaped":"a\"b\\c\u00e9\n"}"#.utf8)
        let frame = try decodeOne(Array("Content-Length: \(body.count)\nContent-Type: text/event-json\n\n".utf8) + body)
        let json = try Event(frame: frame)
        #expect(json["Caller-Caller-ID-Name"] == "Jos\u{FFFD}")
        #expect(json["Escaped"] == "a\"b\\c\u{E9}\n")
    }

    @Test func aPercentNotFollowedByTwoHexDigitsStays() throws {
        let event = try plainEvent("Event-Name: CUSTOM\nA: 100%\nB: %4\nC: %zz%41\n\n")
        #expect(event["A"] == "100%")
        #expect(event["B"] == "%4")
        #expect(event["C"] == "%zzA")
    }

    @Test func repliesKeepTheirOuterHeadersRaw() throws {
        // Outer headers are never URL-encoded (esl-protocol.md §1.4).
        let frame = try decodeOne("Content-Type: command/reply\nReply-Text: +OK filter added. [x]=[%20]\n\n")
        let reply = try Event(frame: frame)
        #expect(reply.format == .reply)
        #expect(reply["Reply-Text"] == "+OK filter added. [x]=[%20]")
        #expect(reply.body == nil)
    }

    @Test func urlEncodingMatchesFreeSWITCHsUnsafeSet() {
        let encoded = String(decoding: URLCoding.encode(Array("a b:c@d+e%20f%zz!$'()*,-./_~é".utf8)), as: UTF8.self)
        #expect(encoded == "a%20b%3Ac%40d%2Be%20f%25zz!$'()*,-./_~%C3%A9")
        #expect(URLCoding.decode(Array(encoded.utf8)) == Array("a b:c@d+e f%zz!$'()*,-./_~é".utf8))
    }

    private func decodeOne(_ text: String) throws -> Frame { try decodeOne(Array(text.utf8)) }

    private func decodeOne(_ bytes: [UInt8]) throws -> Frame {
        var decoder = FrameDecoder()
        decoder.append(bytes)
        let frame = try #require(try decoder.next())
        #expect(decoder.bufferedByteCount == 0)
        return frame
    }

    private func plainEvent(_ body: String) throws -> Event {
        try Event(frame: decodeOne("Content-Length: \(body.utf8.count)\nContent-Type: text/event-plain\n\n" + body))
    }
}
