import ESL
import TestSupport
import Testing

/// `Event.parsePlain` reads lines eight bytes at a time; these tests hold it to a plain
/// byte-by-byte reading of the same bytes (``Reference``), on every plain event of every
/// capture and on lines built to end at every offset of a word and of a 64-byte block.
@Suite struct PlainEventParsingTests {
    @Test func everyCapturedPlainEventReadsAsLineByLine() throws {
        var events = 0
        for name in Fixtures.names {
            for frame in try CaptureFrames.frames(name) where frame.contentType == .eventPlain {
                let body = Array(frame.body)
                let expected = try #require(Reference.parse(body), "\(name): a capture event failed the reference")
                let event = try Event(frame: frame)
                #expect(event.headers.map(\.name) == expected.headers.map(\.name), "\(name)")
                #expect(event.headers.map(\.value) == expected.headers.map(\.value), "\(name)")
                #expect(event.body == expected.body, "\(name)")
                events += 1
            }
        }
        #expect(events > 1_000)
    }

    /// Lines of every length from 1 to 140 bytes with the colon at its start, middle or
    /// end, after a prefix of every length up to 63, so each line end and colon falls on
    /// every position of a word and of a 64-byte block, and lines straddle both.
    @Test func linesEndingAnywhereInABlockReadAsLineByLine() throws {
        for prefix in 0..<64 {
            var text = "P: " + String(repeating: "p", count: prefix) + "\n"
            for length in 1...140 {
                let colonAt = [0, length / 2, length - 1][length % 3]
                var line = Array(repeating: UInt8(ascii: "n"), count: length)
                line[colonAt] = UInt8(ascii: ":")
                if length > 4 { line[length - 2] = UInt8(ascii: ":") }  // a colon in the value
                text += String(decoding: line, as: UTF8.self) + "\n"
            }
            try expectSameAsReference(text + "\n")
            try expectSameAsReference(text + "Content-Length: 5\n\nbody\n")
            try expectSameAsReference(text + "Last: no LF")
        }
    }

    @Test(arguments: [
        "Event-Name: X\nno colon here\n\n",  // a line without a colon
        "no colon at all",  // the only line, without its LF
        "A: 1\n" + String(repeating: "x", count: 70) + "\n\n",  // a colon-less line across a block edge
        "A: 1\nB\n",  // a short one at the end
    ])
    func aLineWithoutAColonIsAProtocolViolation(_ body: String) throws {
        #expect(Reference.parse(Array(body.utf8)) == nil)
        try expectSameAsReference(body)
    }

    @Test func blanksAfterTheColonAreNotPartOfTheValue() throws {
        let event = try plainEvent("A:\t \tvalue \nB:\nC:   \n\n")
        #expect(event.headers.map(\.value) == ["value ", "", ""])
        try expectSameAsReference("A:\t \tvalue \nB:\nC:   \n\n")
    }

    private func plainEvent(_ body: String) throws -> Event {
        var decoder = FrameDecoder()
        decoder.append(Array("Content-Length: \(body.utf8.count)\nContent-Type: text/event-plain\n\n\(body)".utf8))
        let frame = try #require(try decoder.next())
        return try Event(frame: frame)
    }

    private func expectSameAsReference(_ body: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard let expected = Reference.parse(Array(body.utf8)) else {
            #expect(throws: ESLError.self, sourceLocation: sourceLocation) { _ = try plainEvent(body) }
            return
        }
        let event = try plainEvent(body)
        #expect(event.headers.map(\.name) == expected.headers.map(\.name), sourceLocation: sourceLocation)
        #expect(event.headers.map(\.value) == expected.headers.map(\.value), sourceLocation: sourceLocation)
        #expect(event.body == expected.body, sourceLocation: sourceLocation)
    }
}

/// The plain format read the obvious way, one byte at a time: lines up to LF, the name
/// up to the first colon, blanks after it skipped, `%XX` decoded, a blank line ending
/// the headers and a `Content-Length` among them meaning the rest is the body.
private enum Reference {
    static func parse(_ bytes: [UInt8]) -> (headers: [(name: String, value: String)], body: String?)? {
        var headers: [(name: String, value: String)] = []
        var hasLength = false
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            if end == start {
                return (headers, hasLength ? String(decoding: bytes[(end + 1)...], as: UTF8.self) : nil)
            }
            guard let colon = bytes[start..<end].firstIndex(of: UInt8(ascii: ":")) else { return nil }
            var valueStart = colon + 1
            while valueStart < end, bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09 { valueStart += 1 }
            let name = String(decoding: bytes[start..<colon], as: UTF8.self)
            if name.lowercased() == "content-length" { hasLength = true }
            headers.append((name, String(decoding: percentDecoded(bytes[valueStart..<end]), as: UTF8.self)))
            start = end + 1
        }
        return (headers, nil)
    }

    private static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.endIndex,
                let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
