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
    /// The hot path of every listener. The bytes are read once, 64 at a time: each
    /// block gives two bit masks, one for its LFs and one for its colons
    /// (``PlainScanner``), and the lines are then cut from the masks' set bits, with no
    /// loop per byte and no branch per word. A line's name ends at its first colon (a
    /// colon in the value is part of the value). Nothing is allocated but the field
    /// index (sized from the body's length, so it rarely grows).
    static func parsePlain(_ storage: [UInt8], from start: Int) throws(ESLError) -> Event {
        // Real events average about 40 bytes a line.
        var fields: [Field] = []
        fields.reserveCapacity(max(16, (storage.count - start) / 32))
        let end = storage.count
        let outcome: Scan = storage.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return .headersEnd(nil) }
            var lineStart = start
            // The current line's first colon, or -1 while none has been seen.
            var colon = -1
            var contentLength = false
            var blockStart = start
            while blockStart < end {
                var (lfs, colons) = PlainScanner.masks(base + blockStart, count: min(64, end &- blockStart))
                while true {
                    let nextLF = lfs.trailingZeroBitCount  // 64 when the line goes on
                    if colon < 0, colons != 0, colons.trailingZeroBitCount < nextLF {
                        colon = blockStart &+ colons.trailingZeroBitCount
                    }
                    if lfs == 0 { break }
                    let lineEnd = blockStart &+ nextLF
                    if colon < 0 {
                        // Blank line: end of the headers; a Content-Length means a body follows.
                        if lineEnd == lineStart { return .headersEnd(contentLength ? (lineEnd + 1)..<end : nil) }
                        return .missingColon(lineStart..<lineEnd)
                    }
                    fields.append(Field(base, lineStart: lineStart, colon: colon, lineEnd: lineEnd))
                    if colon &- lineStart == 14, isContentLength(bytes, lineStart) { contentLength = true }
                    lineStart = lineEnd &+ 1
                    colon = -1
                    lfs &= lfs &- 1
                    // Colons up to this LF belonged to the line just ended.
                    colons &= nextLF == 63 ? 0 : ~((UInt64(2) << UInt64(nextLF)) &- 1)
                }
                blockStart &+= 64
            }
            // A last line without its LF.
            if lineStart < end {
                if colon < 0 { return .missingColon(lineStart..<end) }
                fields.append(Field(base, lineStart: lineStart, colon: colon, lineEnd: end))
            }
            return .headersEnd(nil)
        }
        switch outcome {
        case .headersEnd(let bodyRange):
            return Event(
                storage: storage, fields: fields, bodyRange: bodyRange, percentEncoded: true, format: .plain)
        case .missingColon(let line):
            let text = String(decoding: storage[line.lowerBound..<min(line.upperBound, line.lowerBound + 60)], as: UTF8.self)
            throw .protocolViolation("event header line without a colon: \"\(text)\"")
        }
    }

    /// How the scan of a plain event's lines ended.
    private enum Scan {
        /// At the blank line or the end: the event's own body, if any.
        case headersEnd(Range<Int>?)
        /// At a line without a colon.
        case missingColon(Range<Int>)
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
