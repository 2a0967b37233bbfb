#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An incremental, pure ESL frame decoder: bytes in, frames out, no socket in sight.
///
/// ```
/// ┌──────────── header block ─────────────┐┌ blank ┐┌─ body (Content-Length bytes) ─┐
/// Content-Length: 612⏎Content-Type: text/…⏎   ⏎      Event-Name: HEARTBEAT⏎ …
/// ```
///
/// Feed bytes with ``append(_:)`` as they arrive and call ``next()`` until it returns
/// nil. The search for the blank line resumes where the last one stopped, so no byte
/// is scanned twice however the stream is split. A header block or body larger than
/// ``maximumFrameSize`` throws ``ESLError/frameTooLarge(size:limit:)`` instead of
/// growing the buffer without bound.
///
/// One documented server quirk is handled here (esl-protocol.md §1.6, §9): when
/// FreeSWITCH kills a slow listener it writes the disconnect notice's header and body
/// from another thread, as two writes, so events can land between them. Every frame
/// the server writes starts with a `Content-` header and no notice body does; so when
/// the bytes after a notice's header start with `Content-`, the notice is delivered
/// without its body and the body is skipped when it turns up at a frame boundary
/// (kept in ``strayNoticeBody``).
public struct FrameDecoder: Sendable {
    /// 16 MiB, the largest `Content-Length` recent FreeSWITCH accepts, plus room for
    /// the header block.
    public static let defaultMaximumFrameSize = 16 * 1024 * 1024 + 64 * 1024

    /// The largest header block or body accepted, in bytes.
    public let maximumFrameSize: Int

    private var buffer: [UInt8] = []
    /// Start of the next frame in `buffer`.
    private var frameStart = 0
    /// Where the search for the header block's end resumes.
    private var scanOffset = 0
    private var state = State.headers
    /// Length of a disconnect notice's body that was split off by interleaved events.
    private var pendingNoticeBody: Int?

    /// The body of a disconnect notice that arrived apart from its header, if any.
    public private(set) var strayNoticeBody: [UInt8]?

    private enum State {
        case headers
        /// Header block parsed; waiting for `length` body bytes from `bodyStart`.
        case body(bodyStart: Int, length: Int, contentType: Frame.ContentType)
    }

    public init(maximumFrameSize: Int = FrameDecoder.defaultMaximumFrameSize) {
        self.maximumFrameSize = maximumFrameSize
    }

    /// Bytes received but not yet returned in a frame.
    public var bufferedByteCount: Int { buffer.count - frameStart }

    /// Adds received bytes.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        compactIfWorthIt()
        buffer.append(contentsOf: bytes)
    }

    /// Adds received bytes from raw memory (the socket reader's path).
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfWorthIt()
        buffer.append(contentsOf: bytes.bindMemory(to: UInt8.self))
    }

    /// The next complete frame, or nil when more bytes are needed.
    /// - Throws: ``ESLError/frameTooLarge(size:limit:)`` or
    ///   ``ESLError/protocolViolation(_:)``. After an error the stream cannot be
    ///   resynchronised; close the connection.
    public mutating func next() throws(ESLError) -> Frame? {
        while true {
            switch state {
            case .headers:
                if try skipStrayNoticeBody() == false { return nil }
                skipLeadingNewlines()
                guard let end = findHeaderEnd() else {
                    let pending = buffer.count - frameStart
                    if pending > maximumFrameSize {
                        throw .frameTooLarge(size: pending, limit: maximumFrameSize)
                    }
                    return nil
                }
                // The same limit as for a block still waiting for its end (its lines
                // and the first LF of the blank line), so how the bytes were split
                // never decides whether a frame is too large.
                let headerSize = end + 1 - frameStart
                if headerSize > maximumFrameSize {
                    throw .frameTooLarge(size: headerSize, limit: maximumFrameSize)
                }
                let start = frameStart
                let (length, contentType, isNotice) = try buffer.withUnsafeBufferPointer { bytes throws(ESLError) in
                    let summary = try HeaderBlock.summarize(bytes, start..<end)
                    let length = try contentLength(bytes, summary.contentLength)
                    return (length, Frame.ContentType(bytes, summary.contentType), summary.isDisconnectNotice)
                }
                let bodyStart = end + 2
                if length > maximumFrameSize {
                    throw .frameTooLarge(size: length, limit: maximumFrameSize)
                }
                if length > 0, isNotice {
                    let probe = min(length, contentPrefix.count)
                    guard buffer.count - bodyStart >= probe else {
                        // Decide once enough bytes are here; rescan nothing meanwhile.
                        scanOffset = end
                        return nil
                    }
                    if startsWithContentPrefix(at: bodyStart, count: probe) {
                        pendingNoticeBody = length
                        return emitFrame(bodyStart: bodyStart, bodyEnd: bodyStart, contentType: contentType)
                    }
                }
                state = .body(bodyStart: bodyStart, length: length, contentType: contentType)
            case .body(let bodyStart, let length, let contentType):
                guard buffer.count - bodyStart >= length else { return nil }
                state = .headers
                return emitFrame(bodyStart: bodyStart, bodyEnd: bodyStart + length, contentType: contentType)
            }
        }
    }

    // MARK: - Internals

    private let contentPrefix: [UInt8] = Array("Content-".utf8)

    private mutating func emitFrame(bodyStart: Int, bodyEnd: Int, contentType: Frame.ContentType) -> Frame {
        // A slice, not a copy: the buffer is copied (by `append`) only if a frame is
        // still alive when more bytes come.
        let storage = buffer[frameStart..<bodyEnd]
        let frame = Frame(storage: storage, headerEnd: bodyStart - frameStart, contentType: contentType)
        frameStart = bodyEnd
        scanOffset = bodyEnd
        return frame
    }

    /// Returns false when more bytes are needed to decide.
    private mutating func skipStrayNoticeBody() throws(ESLError) -> Bool {
        guard let length = pendingNoticeBody else { return true }
        let available = buffer.count - frameStart
        let probe = min(length, contentPrefix.count)
        guard available >= probe else { return false }
        if startsWithContentPrefix(at: frameStart, count: probe) { return true }
        guard available >= length else { return false }
        strayNoticeBody = Array(buffer[frameStart..<frameStart + length])
        pendingNoticeBody = nil
        frameStart += length
        scanOffset = frameStart
        return true
    }

    private func startsWithContentPrefix(at index: Int, count: Int) -> Bool {
        for offset in 0..<count where asciiLower(buffer[index + offset]) != asciiLower(contentPrefix[offset]) {
            return false
        }
        return true
    }

    private mutating func skipLeadingNewlines() {
        while frameStart < buffer.count, buffer[frameStart] == UInt8(ascii: "\n") {
            frameStart += 1
        }
        scanOffset = max(scanOffset, frameStart)
    }

    /// Index of the `\n` that ends the last header line (the blank line follows it).
    private mutating func findHeaderEnd() -> Int? {
        let count = buffer.count
        let found: Int? = buffer.withUnsafeBufferPointer { raw in
            guard let base = raw.baseAddress else { return nil }
            var index = scanOffset
            while index < count - 1 {
                guard let hit = memchr(base + index, 0x0A, count - index - 1) else { return nil }
                let at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
                if base[at + 1] == 0x0A { return at }
                index = at + 1
            }
            return nil
        }
        // Resume at the last byte next time: it may be the first LF of the pair.
        scanOffset = found ?? max(frameStart, count - 1)
        return found
    }

    /// The last `Content-Length` wins (esl-protocol.md §4.2); none means no body.
    private func contentLength(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>?) throws(ESLError) -> Int {
        guard let range else { return 0 }
        var value = 0
        for index in range {
            let byte = bytes[index]
            guard byte >= 0x30, byte <= 0x39 else {
                let text = String(decoding: bytes[range], as: UTF8.self)
                throw .protocolViolation("Content-Length is not a decimal byte count: \"\(text.prefix(40))\"")
            }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - 0x30))
            if overflow1 || overflow2 { throw .frameTooLarge(size: Int.max, limit: maximumFrameSize) }
            value = sum
        }
        if range.isEmpty { throw .protocolViolation("empty Content-Length") }
        return value
    }

    private mutating func compactIfWorthIt() {
        guard frameStart > 0 else { return }
        if frameStart == buffer.count {
            buffer.removeAll(keepingCapacity: true)
        } else if frameStart >= 64 * 1024, frameStart * 2 >= buffer.count {
            buffer.removeSubrange(0..<frameStart)
        } else {
            return
        }
        let shift = frameStart
        scanOffset -= shift
        frameStart = 0
        if case .body(let bodyStart, let length, let contentType) = state {
            state = .body(bodyStart: bodyStart - shift, length: length, contentType: contentType)
        }
    }
}
