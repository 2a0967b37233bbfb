import ESL
import TestSupport
import Testing

/// Seeded random mutations of the real captures (truncate, flip, insert, duplicate, a
/// huge Content-Length): 100,000 cases, each must end in frames or a typed error —
/// never a crash, a hang or a decoder that stops advancing.
@Suite struct MutationTests {
    enum Mutation: CaseIterable {
        case truncate, flip, insert, duplicate, hugeLength
    }

    @Test func oneHundredThousandMutatedCapturesNeverCrashOrHang() throws {
        var random = SeededRandom(seed: 0xC0FFEE)
        let captures = try Fixtures.names.map { try Fixtures.raw($0) }
        var outcomes = (frames: 0, errors: 0)
        for _ in 0..<100_000 {
            let capture = captures[Int.random(in: 0..<captures.count, using: &random)]
            let length = min(capture.count, Int.random(in: 64...1_500, using: &random))
            let start = Int.random(in: 0...(capture.count - length), using: &random)
            var bytes = Array(capture[start..<start + length])
            switch Mutation.allCases.randomElement(using: &random)! {
            case .truncate:
                bytes.removeLast(Int.random(in: 0..<bytes.count, using: &random))
            case .flip:
                for _ in 0..<Int.random(in: 1...8, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
                }
            case .insert:
                let at = Int.random(in: 0...bytes.count, using: &random)
                bytes.insert(contentsOf: (0..<Int.random(in: 1...32, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }, at: at)
            case .duplicate:
                let from = Int.random(in: 0..<bytes.count, using: &random)
                let piece = bytes[from..<min(bytes.count, from + Int.random(in: 1...200, using: &random))]
                bytes.insert(contentsOf: piece, at: Int.random(in: 0...bytes.count, using: &random))
            case .hugeLength:
                bytes = Array("Content-Length: \(Int.random(in: 1 << 24...Int.max, using: &random))\nContent-Type: text/event-plain\n\n".utf8) + bytes
            }
            let (frames, failed) = decodeAll(bytes, chunk: Int.random(in: 1...512, using: &random))
            #expect(frames <= bytes.count, "the decoder must advance")
            outcomes.frames += frames
            outcomes.errors += failed ? 1 : 0
        }
        // Both paths were exercised.
        #expect(outcomes.frames > 0 && outcomes.errors > 0)
    }

    /// Decodes in chunks; returns the frames seen and whether it ended in an error.
    private func decodeAll(_ bytes: [UInt8], chunk: Int) -> (Int, Bool) {
        var decoder = FrameDecoder(maximumFrameSize: 1 << 16)
        var frames = 0
        var offset = 0
        while offset < bytes.count {
            decoder.append(bytes[offset..<min(bytes.count, offset + chunk)])
            offset += chunk
            while true {
                let frame: Frame?
                do { frame = try decoder.next() } catch { return (frames, true) }
                guard let frame else { break }
                frames += 1
                if frames > bytes.count { return (frames, false) }
                if frame.contentType.isEvent, let event = try? Event(frame: frame) {
                    _ = event.name
                    _ = event.body
                    _ = event.all("Hangup-Cause")
                }
            }
        }
        return (frames, false)
    }
}
