/// One message from the server: a header block and an optional body.
///
/// ```
/// Content-Type: api/response⏎        ┐
/// Content-Length: 9⏎                 │ header block (LF only, never URL-encoded)
/// ⏎                                  ┘ empty line ends it
/// 192.0.2.2                            exactly Content-Length bytes, no trailer
/// ```
///
/// The frame keeps one contiguous copy of its bytes; the header block is parsed
/// when the frame is decoded (it is a few short lines), the body is not touched.
public struct Frame: Sendable {
    /// The frame's bytes as on the wire: header block, blank line, body.
    let storage: [UInt8]
    /// Where the body starts inside `storage`, just after the blank line.
    let headerEnd: Int
    /// The header lines, split at the first colon, values raw (outer headers are
    /// never URL-encoded; see esl-protocol.md §1.4).
    public let headers: [(name: String, value: String)]
    /// The message's type, read from its `Content-Type` header.
    public let contentType: ContentType

    init(storage: [UInt8], headerEnd: Int, headers: [(name: String, value: String)]) {
        self.storage = storage
        self.headerEnd = headerEnd
        self.headers = headers
        let type = headers.last { $0.name.lowercased() == "content-type" }?.value ?? ""
        self.contentType = ContentType(type)
    }

    /// The last value of a header (case-insensitive name), or nil.
    public subscript(name: String) -> String? {
        headers.last { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// The body bytes (empty when the frame has none).
    public var body: ArraySlice<UInt8> { storage[headerEnd...] }

    /// The body as text; invalid UTF-8 is replaced, never fatal.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// `Reply-Text` of a `command/reply`, if any.
    public var replyText: String? { self["Reply-Text"] }
}

extension Frame {
    /// The `Content-Type` values FreeSWITCH's mod_event_socket sends (esl-protocol.md §1.3).
    public enum ContentType: Sendable, Hashable, CustomStringConvertible {
        case authRequest
        case commandReply
        case apiResponse
        case eventPlain
        case eventJSON
        case eventXML
        case disconnectNotice
        case rudeRejection
        case logData
        /// Anything else, kept verbatim (empty when the header is missing).
        case other(String)

        public init(_ text: String) {
            switch text {
            case "auth/request": self = .authRequest
            case "command/reply": self = .commandReply
            case "api/response": self = .apiResponse
            case "text/event-plain": self = .eventPlain
            case "text/event-json": self = .eventJSON
            case "text/event-xml": self = .eventXML
            case "text/disconnect-notice": self = .disconnectNotice
            case "text/rude-rejection": self = .rudeRejection
            case "log/data": self = .logData
            default: self = .other(text)
            }
        }

        public var description: String {
            switch self {
            case .authRequest: "auth/request"
            case .commandReply: "command/reply"
            case .apiResponse: "api/response"
            case .eventPlain: "text/event-plain"
            case .eventJSON: "text/event-json"
            case .eventXML: "text/event-xml"
            case .disconnectNotice: "text/disconnect-notice"
            case .rudeRejection: "text/rude-rejection"
            case .logData: "log/data"
            case .other(let text): text
            }
        }

        /// True for the three event formats.
        public var isEvent: Bool {
            switch self {
            case .eventPlain, .eventJSON, .eventXML: true
            default: false
            }
        }
    }
}

extension String {
    /// ASCII case-insensitive equality, without allocating.
    func caseInsensitiveEquals(_ other: String) -> Bool {
        var a = utf8.makeIterator()
        var b = other.utf8.makeIterator()
        while true {
            switch (a.next(), b.next()) {
            case (nil, nil): return true
            case (let x?, let y?): if asciiLower(x) != asciiLower(y) { return false }
            default: return false
            }
        }
    }
}

@inline(__always)
func asciiLower(_ byte: UInt8) -> UInt8 {
    byte &- 65 < 26 ? byte | 0x20 : byte
}

extension Frame {
    /// The frame exactly as it was on the wire: header block, blank line, body.
    public var rawBytes: [UInt8] { storage }
    /// Where the body starts in ``rawBytes``.
    public var bodyOffset: Int { headerEnd }
}
