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
                storage: frame.storage, fields: [], slots: nil, bodyRange: frame.headerEnd..<frame.storage.count,
                percentEncoded: false, format: .xml)
        default:
            self = Event.reply(frame)
        }
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
