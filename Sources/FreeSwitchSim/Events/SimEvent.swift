/// One event fired by a simulated FreeSWITCH, before it is serialized for a listener.
///
/// It is kept as blocks of headers (see ``HeaderBlock``) plus an optional body; each
/// listener serializes it in its own format at send time, as mod_event_socket does.
struct SimEvent: Sendable {
    /// `Event-Name`.
    let name: String
    /// The header blocks, in wire order; the first holds the base headers.
    let blocks: [HeaderBlock]
    /// The event's own body (a BACKGROUND_JOB's result), if any.
    let body: String?

    /// The last value of a header (case-insensitive), searching every block;
    /// what a filter compares against (the decoded value).
    func value(of header: String) -> String? {
        var index = blocks.count - 1
        while index >= 0 {
            if let value = blocks[index].lastValue(header) { return value }
            index -= 1
        }
        return nil
    }

    /// Every header in order.
    var headers: [(name: String, value: String)] { blocks.flatMap(\.headers) }

    /// Appends the `text/event-plain` frame to `out` without intermediate copies (or
    /// allocations: this runs once per event per plain listener).
    func appendPlainFrame(to out: inout [UInt8]) {
        var length = 0
        for block in blocks { length += block.plain.count }
        var bodyLength = 0
        if let body, !body.isEmpty {
            bodyLength = body.utf8.count
            length += Self.contentLength.count + DecimalText.count(bodyLength) + 2 + bodyLength
        } else {
            length += 1
        }
        out += Self.contentLength
        DecimalText.append(length, to: &out)
        out += Self.plainType
        for block in blocks { out += block.plain }
        if let body, bodyLength > 0 {
            out += Self.contentLength
            DecimalText.append(bodyLength, to: &out)
            out.append(0x0A)
            out.append(0x0A)
            out += body.utf8
        } else {
            out.append(0x0A)
        }
    }

    private static let contentLength = Array("Content-Length: ".utf8)
    private static let plainType = Array("\nContent-Type: text/event-plain\n\n".utf8)

    /// The `text/event-plain` frame: outer headers, then the URL-encoded event.
    func plainFrame() -> [UInt8] {
        var inner: [UInt8] = []
        inner.reserveCapacity(blocks.reduce(0) { $0 + $1.plain.count } + 64 + (body?.utf8.count ?? 0))
        for block in blocks { inner.append(contentsOf: block.plain) }
        if let body, !body.isEmpty {
            inner.append(contentsOf: "Content-Length: \(body.utf8.count)\n\n".utf8)
            inner.append(contentsOf: body.utf8)
        } else {
            inner.append(0x0A)
        }
        return Self.frame(inner, type: "text/event-plain")
    }

    /// The `text/event-json` frame: one JSON object, values as strings, duplicate
    /// keys kept, `Content-Length` and `_body` last when there is a body.
    func jsonFrame() -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        var first = true
        func add(_ name: String, _ value: String) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONText.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONText.appendString(value, to: &out)
        }
        for block in blocks {
            for (name, value) in block.headers { add(name, value) }
        }
        if let body {
            add("Content-Length", String(body.utf8.count))
            add("_body", body)
        }
        out.append(UInt8(ascii: "}"))
        return Self.frame(out, type: "text/event-json")
    }

    /// The `text/event-xml` frame (mod_event_socket's layout: values URL-encoded,
    /// then XML-escaped).
    func xmlFrame() -> [UInt8] {
        var text = "<event>\n  <headers>\n"
        for block in blocks {
            for (name, value) in block.headers {
                let encoded = String(decoding: PlainEncoding.encode(value), as: UTF8.self)
                text += "    <\(name)>\(XMLText.escape(encoded))</\(name)>\n"
            }
        }
        text += "  </headers>\n"
        if let body, !body.isEmpty {
            text += "  <Content-Length>\(body.utf8.count)</Content-Length>\n  <body>\(XMLText.escape(body))</body>\n"
        }
        text += "</event>"
        return Self.frame(Array(text.utf8), type: "text/event-xml")
    }

    private static func frame(_ inner: [UInt8], type: String) -> [UInt8] {
        var out = Array("Content-Length: \(inner.count)\nContent-Type: \(type)\n\n".utf8)
        out.append(contentsOf: inner)
        return out
    }
}

/// cJSON's string escaping: `"` `\` and control bytes escaped, bytes ≥ 0x80 raw.
enum JSONText {
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Minimal XML escaping for the xml event format.
enum XMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }
}
