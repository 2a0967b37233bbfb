public import ESL

/// Feeds bytes to a ``FrameDecoder`` split in every way worth trying and checks that
/// the frames come out the same each time and as expected: how many, of which types
/// in which order, and how many bytes are left over at the end (the model is
/// swift-nio's `ByteToMessageDecoderVerifier`, which checks each pass against the
/// expected outputs and reports leftovers).
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
        public var contentType: Frame.ContentType
        public init(_ frame: Frame) {
            bytes = frame.rawBytes
            bodyStart = frame.bodyOffset
            contentType = frame.contentType
        }
    }

    /// What a decoding pass must give, checked on every pass.
    public struct Expected: Sendable {
        /// Frames decoded.
        public var frameCount: Int
        /// Frames per `Content-Type` (as ``Frame/ContentType/description`` spells it),
        /// when known.
        public var countsByType: [String: Int]?
        /// Every frame's type, in order, when known.
        public var order: [Frame.ContentType]?
        /// Bytes still buffered after the last frame (a partial frame).
        public var leftover: Int

        /// Expects the frames `countsByType` adds up to.
        public init(countsByType: [String: Int], order: [Frame.ContentType]? = nil, leftover: Int = 0) {
            self.frameCount = countsByType.values.reduce(0, +)
            self.countsByType = countsByType
            self.order = order
            self.leftover = leftover
        }

        /// Expects exactly these frame types, in this order.
        public init(order: [Frame.ContentType], leftover: Int = 0) {
            self.frameCount = order.count
            self.order = order
            self.leftover = leftover
        }

        /// Expects `frameCount` frames of any types.
        public init(frameCount: Int, leftover: Int = 0) {
            self.frameCount = frameCount
            self.leftover = leftover
        }

        /// Why `outcome` is not what is expected, or nil when it is.
        func mismatch(_ outcome: Outcome) -> String? {
            if outcome.frames.count != frameCount {
                return "\(outcome.frames.count) frames instead of \(frameCount)"
            }
            let types = outcome.frames.map(\.contentType)
            if let order, order.count != types.count {
                return "\(types.count) frames instead of the \(order.count) in the expected order"
            }
            if let order, let index = order.indices.first(where: { order[$0] != types[$0] }) {
                return "frame \(index) is \(types[index]) instead of \(order[index])"
            }
            if let countsByType {
                let counts = types.reduce(into: [String: Int]()) { $0[$1.description, default: 0] += 1 }
                if counts != countsByType { return "frames per type \(counts) instead of \(countsByType)" }
            }
            if outcome.leftover != leftover {
                return "\(outcome.leftover) bytes left over instead of \(leftover)"
            }
            return nil
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

    /// Decodes `bytes` whole and in chunks of each of `chunkSizes` (one byte at a time
    /// among them by default); throws ``Mismatch`` unless the whole pass is as
    /// `expected` and every other pass equals it.
    /// - Returns: the whole pass.
    @discardableResult
    public static func verify(_ bytes: [UInt8], expecting expected: Expected, chunkSizes: [Int] = [1, 7, 1000, 65536])
        throws -> Outcome
    {
        let whole = try decode(chunks: [bytes[...]])
        if let mismatch = expected.mismatch(whole) { throw Mismatch(description: "whole: \(mismatch)") }
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
