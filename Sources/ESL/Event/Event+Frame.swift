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
    /// The hot path of every listener: each line is read once, eight bytes at a time
    /// (``firstIndex(of:_:from:to:)``), first up to its colon, then up to its LF, and
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
                if base[lineStart] == 0x0A {
                    // Blank line: end of the headers; a Content-Length means a body follows.
                    if sawContentLength { bodyRange = (lineStart + 1)..<end }
                    return nil
                }
                // The colon, if any, then the end of the line (a colon in the value is
                // part of the value).
                let colonOrEnd = firstIndex(of: UInt8(ascii: ":"), orLF: true, base, from: lineStart, to: end)
                guard colonOrEnd < end, base[colonOrEnd] == UInt8(ascii: ":") else {
                    let lineEnd = colonOrEnd
                    let text = String(decoding: bytes[lineStart..<min(lineEnd, lineStart + 60)], as: UTF8.self)
                    return .protocolViolation("event header line without a colon: \"\(text)\"")
                }
                let colon = colonOrEnd
                let lineEnd = firstIndex(of: 0x0A, orLF: false, base, from: colon + 1, to: end)
                var valueStart = colon + 1
                while valueStart < lineEnd, base[valueStart] == 0x20 || base[valueStart] == 0x09 {
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

    /// The index of the first `byte` (or, with `orLF`, the first LF if that comes
    /// first) in `from..<end`, else `end`. Reads eight bytes at a time: in
    /// `x = word ^ pattern`, `(x − 0x01…01) & ~x & 0x80…80` has its lowest set bit in
    /// the first byte of `word` that equals the pattern's (higher bits may be false
    /// hits after a borrow, never lower ones).
    @inline(__always)
    static func firstIndex(
        of byte: UInt8, orLF: Bool, _ base: UnsafePointer<UInt8>, from: Int, to end: Int
    ) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let pattern = UInt64(byte) &* ones
        let lf = UInt64(0x0A) &* ones
        var index = from
        while index + 8 <= end {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
            let x = word ^ pattern
            var hits = (x &- ones) & ~x & highs
            if orLF {
                let y = word ^ lf
                hits |= (y &- ones) & ~y & highs
            }
            if hits != 0 { return index + hits.trailingZeroBitCount >> 3 }
            index += 8
        }
        while index < end {
            let value = base[index]
            if value == byte || (orLF && value == 0x0A) { return index }
            index += 1
        }
        return end
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
