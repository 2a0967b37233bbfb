import ESL
import TestSupport
import Testing

/// Bad bytes give a typed error, never a crash or a hang.
@Suite struct MalformedInputTests {
    @Test(arguments: [
        "Content-Type: api/response\nContent-Length: abc\n\n",  // not a number
        "Content-Type: api/response\nContent-Length: -5\n\n",  // negative
        "Content-Type: api/response\nContent-Length: \n\n",  // empty
        "Content-Type: api/response\nContent-Length: 12 \n\n",  // trailing space
        "Content-Type: command/reply\nthis line has no colon\n\n",
    ])
    func malformedHeaderBlockIsAProtocolViolation(text: String) {
        var decoder = FrameDecoder()
        decoder.append(Array(text.utf8))
        #expect {
            _ = try decoder.next()
        } throws: { error in
            guard case .protocolViolation = error as? ESLError else { return false }
            return true
        }
    }

    @Test func hugeContentLengthIsFrameTooLarge() {
        var decoder = FrameDecoder(maximumFrameSize: 1024)
        decoder.append(Array("Content-Type: api/response\nContent-Length: 1025\n\n".utf8))
        #expect(throws: ESLError.frameTooLarge(size: 1025, limit: 1024)) { _ = try decoder.next() }
        var overflow = FrameDecoder()
        overflow.append(Array("Content-Length: 99999999999999999999999\n\n".utf8))
        #expect(throws: ESLError.self) { _ = try overflow.next() }
    }

    @Test func headerBlockWithoutEndIsFrameTooLargeOnceOverTheLimit() throws {
        var decoder = FrameDecoder(maximumFrameSize: 1024)
        let line = Array("X-Filler: 0123456789\n".utf8)
        var fed = 0
        while fed <= 1024 {
            decoder.append(line)
            fed += line.count
            if fed <= 1024 { #expect(try decoder.next() == nil) }
        }
        #expect(throws: ESLError.frameTooLarge(size: fed, limit: 1024)) { _ = try decoder.next() }
    }

    /// Found by Fuzz/run.sh: a header block over the limit that arrived in one piece
    /// was accepted, while the same bytes in smaller pieces threw `frameTooLarge`.
    /// The block below is 1,036 bytes of header lines (line ends included), then the
    /// blank line.
    @Test(arguments: [
        (1_036, 1_037, true),  // fits exactly, in one piece
        (1_036, 100, true),  // fits exactly, in pieces
        (1_035, 1_037, false),  // one byte too many, in one piece (was accepted)
        (1_035, 100, false),  // one byte too many, in pieces
        (1_035, 1, false),  // … one byte at a time
    ])
    func headerBlockOverTheLimitFailsHoweverItIsSplit(limit: Int, chunk: Int, fits: Bool) {
        let lines = String(repeating: "X-Filler: 0123456789\n", count: 48) + "Content-Type: command/reply\n"
        let bytes = Array((lines + "\n").utf8)
        var decoder = FrameDecoder(maximumFrameSize: limit)
        var frames = 0
        var error: ESLError?
        for start in stride(from: 0, to: bytes.count, by: chunk) where error == nil {
            decoder.append(bytes[start..<min(bytes.count, start + chunk)])
            do {
                while try decoder.next() != nil { frames += 1 }
            } catch let thrown {
                error = thrown
            }
        }
        if fits {
            #expect(frames == 1 && error == nil)
        } else {
            #expect(frames == 0)
            guard case .frameTooLarge = error else {
                Issue.record("expected frameTooLarge, got \(String(describing: error))")
                return
            }
        }
    }

    @Test func aFrameWithoutContentTypeIsDeliveredAsUnknown() throws {
        var decoder = FrameDecoder()
        decoder.append(Array("X-Odd: 1\n\n".utf8))
        let frame = try #require(try decoder.next())
        #expect(frame.contentType == .other(""))
    }

    @Test func malformedEventBodiesAreProtocolViolations() throws {
        for body in ["Event-Name: X\nno colon here\n\n", "{\"Event-Name\": \"X\"", "[1,2]", "{\"a\": \"\\q\"}"] {
            let type = body.hasPrefix("Event") ? "text/event-plain" : "text/event-json"
            var decoder = FrameDecoder()
            decoder.append(Array("Content-Length: \(body.utf8.count)\nContent-Type: \(type)\n\n\(body)".utf8))
            let frame = try #require(try decoder.next())
            #expect(throws: ESLError.self) { _ = try Event(frame: frame) }
        }
    }

    /// Seeded random garbage and random mutations of a real capture: every outcome is
    /// frames or a typed error, and decoding always ends.
    @Test func randomGarbageNeverCrashesOrHangs() throws {
        var random = SeededRandom(seed: 0x5EED)
        let capture = try Fixtures.raw("02")
        for round in 0..<2_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...512, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            } else {
                let start = Int.random(in: 0..<capture.count - 4096, using: &random)
                bytes = Array(capture[start..<start + 4096])
                for _ in 0..<8 { bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random) }
            }
            let frames = drain(bytes)
            #expect(frames <= bytes.count, "more frames than bytes: the decoder is not advancing")
        }
    }

    /// Decodes everything; returns the number of frames before the end or a typed error.
    private func drain(_ bytes: [UInt8]) -> Int {
        var decoder = FrameDecoder(maximumFrameSize: 64 * 1024)
        decoder.append(bytes)
        var frames = 0
        while true {
            let frame: Frame?
            do { frame = try decoder.next() } catch { return frames }  // typed ESLError: a correct outcome
            guard let frame else { return frames }
            frames += 1
            if frames > bytes.count { return frames }
            if frame.contentType.isEvent { _ = try? Event(frame: frame) }
        }
    }
}

/// A small deterministic generator (SplitMix64), so failures reproduce.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
