public import ESL

/// Feeds bytes to a ``FrameDecoder`` split in every way worth trying and checks that
/// the frames come out the same each time (the model is swift-nio's
/// `ByteToMessageDecoderVerifier`).
public enum DecoderVerifier {
    /// What one decoding pass produced.
    public struct Outcome: Equatable, Sendable {
        /// Each frame's bytes (header block, blank line, body) and where its body starts.
        public var frames: [FrameBytes]
        /// Bytes still buffered at the end (a partial frame).
        public var leftover: Int
        /// A disconnect notice's body that arrived apart from its header.
        public var strayNoticeBody: [UInt8]?
    }

    /// A frame reduced to what identifies it.
    public struct FrameBytes: Equatable, Sendable {
        public var bytes: [UInt8]
        public var bodyStart: Int
        public init(_ frame: Frame) {
            bytes = frame.rawBytes
            bodyStart = frame.bodyOffset
        }
    }

    /// A verification failure, with the split that caused it.
    public struct Mismatch: Error, CustomStringConvertible {
        public var description: String
    }

    /// Decodes `chunks` fed one after another, calling `next()` after each.
    public static func decode(chunks: [ArraySlice<UInt8>], maximumFrameSize: Int = FrameDecoder.defaultMaximumFrameSize)
        throws -> Outcome
    {
        var decoder = FrameDecoder(maximumFrameSize: maximumFrameSize)
        var frames: [FrameBytes] = []
        for chunk in chunks {
            decoder.append(chunk)
            while let frame = try decoder.next() { frames.append(FrameBytes(frame)) }
        }
        return Outcome(frames: frames, leftover: decoder.bufferedByteCount, strayNoticeBody: decoder.strayNoticeBody)
    }

    /// Decodes `bytes` whole and in chunks of each of `chunkSizes`, and one byte at a
    /// time; throws ``Mismatch`` unless every pass equals the whole pass.
    /// - Returns: the whole pass.
    @discardableResult
    public static func verify(_ bytes: [UInt8], chunkSizes: [Int] = [1, 7, 1000, 65536])
        throws -> Outcome
    {
        let whole = try decode(chunks: [bytes[...]])
        for size in chunkSizes {
            let chunks = stride(from: 0, to: bytes.count, by: size).map { bytes[$0..<min($0 + size, bytes.count)] }
            let outcome = try decode(chunks: chunks)
            if outcome != whole {
                throw Mismatch(description: "chunks of \(size) bytes: \(describe(outcome, against: whole))")
            }
        }
        return whole
    }

    /// Splits the stream at every index inside each frame and checks that frame comes
    /// out the same. The decoder starts each frame afresh, so splitting a frame's own
    /// bytes (plus the start of the next) is the same test as splitting the whole
    /// stream there, at a cost that grows with the frame rather than the stream.
    public static func verifyEverySplit(_ bytes: [UInt8], whole: Outcome) throws {
        var start = 0
        for (index, frame) in whole.frames.enumerated() {
            // Skip a stray notice body or blank lines that preceded this frame.
            guard let offset = find(frame.bytes, in: bytes, from: start) else {
                throw Mismatch(description: "frame \(index) not found in the stream")
            }
            let end = offset + frame.bytes.count
            let slice = bytes[offset..<end]
            for split in (offset + 1)..<end {
                let outcome = try decode(chunks: [slice[offset..<split], slice[split..<end]])
                guard outcome.frames == [frame], outcome.leftover == 0 else {
                    throw Mismatch(description: "frame \(index) split at byte \(split - offset): \(describe(outcome, against: Outcome(frames: [frame], leftover: 0)))")
                }
            }
            start = end
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        var offset = start
        while offset + needle.count <= haystack.count {
            if haystack[offset..<offset + needle.count].elementsEqual(needle) { return offset }
            offset += 1
        }
        return nil
    }

    private static func describe(_ outcome: Outcome, against expected: Outcome) -> String {
        if outcome.frames.count != expected.frames.count {
            return "\(outcome.frames.count) frames instead of \(expected.frames.count)"
        }
        if let index = outcome.frames.indices.first(where: { outcome.frames[$0] != expected.frames[$0] }) {
            return "frame \(index) differs"
        }
        if outcome.leftover != expected.leftover {
            return "\(outcome.leftover) bytes left over instead of \(expected.leftover)"
        }
        return "stray notice body differs"
    }
}
