#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Event {
    /// Makes an event from a decoded frame.
    ///
    /// - `text/event-plain`: the body's `Name: value` lines (URL-encoded values), then
    ///   a blank line; when those lines hold a `Content-Length`, the rest is the
    ///   event's own body (a BACKGROUND_JOB's result).
    /// - `text/event-json`: one JSON object; duplicate keys kept, `_body` is the body.
    /// - `text/event-xml`: framed only; the XML text is the body.
    /// - anything else (`command/reply`, `api/response`, …): the outer headers, raw,
    ///   and the frame's body.
    /// - Throws: ``ESLError/protocolViolation(_:)`` for a malformed plain or JSON body.
    public init(frame: Frame) throws(ESLError) {
        switch frame.contentType {
        case .eventPlain:
            self = try Event.parsePlain(frame.storage, from: frame.headerEnd)
        case .eventJSON:
            self = try JSONEventParser.parse(frame.body)
        case .eventXML:
            self.init(
                storage: frame.storage, fields: [], bodyRange: frame.headerEnd..<frame.storage.count,
                percentEncoded: false, format: .xml)
        default:
            self = Event.reply(frame)
        }
    }

    /// Parses a plain event body (`Name: value⏎…⏎⏎[body]`) held in `storage[start...]`.
    ///
    /// The hot path of every listener: lines and colons are found with `memchr`, and
    /// nothing is allocated but the field index (sized from the body's length, so it
    /// rarely grows).
    static func parsePlain(_ storage: [UInt8], from start: Int) throws(ESLError) -> Event {
        var fields: [Field] = []
        // Real events average about 40 bytes a line.
        fields.reserveCapacity(max(16, (storage.count - start) / 32))
        var bodyRange: Range<Int>?
        let end = storage.count
        let scanned: ESLError? = storage.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return nil }
            var lineStart = start
            var sawContentLength = false
            while lineStart < end {
                let lineEnd: Int
                if let newline = memchr(base + lineStart, 0x0A, end - lineStart) {
                    lineEnd = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                } else {
                    lineEnd = end
                }
                if lineEnd == lineStart {
                    // Blank line: end of the headers; a Content-Length means a body follows.
                    if sawContentLength { bodyRange = (lineStart + 1)..<end }
                    return nil
                }
                guard let found = memchr(base + lineStart, Int32(UInt8(ascii: ":")), lineEnd - lineStart) else {
                    let text = String(decoding: bytes[lineStart..<min(lineEnd, lineStart + 60)], as: UTF8.self)
                    return .protocolViolation("event header line without a colon: \"\(text)\"")
                }
                let colon = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                var valueStart = colon + 1
                while valueStart < lineEnd, bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09 {
                    valueStart += 1
                }
                let field = Field(
                    nameStart: Int32(lineStart), nameEnd: Int32(colon),
                    valueStart: Int32(valueStart), valueEnd: Int32(lineEnd),
                    tag: Field.tag(base + lineStart, count: colon - lineStart))
                if colon - lineStart == 14, isContentLength(bytes, lineStart) { sawContentLength = true }
                fields.append(field)
                lineStart = lineEnd + 1
            }
            return nil
        }
        if let scanned { throw scanned }
        return Event(storage: storage, fields: fields, bodyRange: bodyRange, percentEncoded: true, format: .plain)
    }

    private static func isContentLength(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        let key = "content-length"
        var index = start
        for byte in key.utf8 {
            if asciiLower(bytes[index]) != byte { return false }
            index += 1
        }
        return true
    }

    private static func reply(_ frame: Frame) -> Event {
        // Rebuild the outer headers as an index over a small storage of their own.
        var storage: [UInt8] = []
        var fields: [Field] = []
        for (name, value) in frame.headers {
            let nameStart = storage.count
            storage.append(contentsOf: name.utf8)
            let valueStart = storage.count
            storage.append(contentsOf: value.utf8)
            fields.append(
                Field(
                    nameStart: Int32(nameStart), nameEnd: Int32(valueStart),
                    valueStart: Int32(valueStart), valueEnd: Int32(storage.count), in: storage))
        }
        let bodyStart = storage.count
        storage.append(contentsOf: frame.body)
        let hasBody = frame.headers.contains { $0.name.caseInsensitiveEquals("Content-Length") }
        return Event(
            storage: storage, fields: fields, bodyRange: hasBody ? bodyStart..<storage.count : nil,
            percentEncoded: false, format: .reply)
    }
}
