/// One message from the server: a header block and an optional body.
///
/// ```
/// Content-Type: api/response⏎        ┐
/// Content-Length: 9⏎                 │ header block (LF only, never URL-encoded)
/// ⏎                                  ┘ empty line ends it
/// 192.0.2.2                            exactly Content-Length bytes, no trailer
/// ```
///
/// The frame's bytes are a slice of the decoder's read buffer, not a copy: a frame (or
/// an ``Event`` made from it) kept after the decoder has moved on keeps that buffer
/// alive (up to about one socket read, 256 KB, shared by every frame of the read), and
/// the decoder then reads on into a new one. When it is decoded, the header
/// block is only checked and its `Content-Type` read (a few short lines, no `String`
/// made); ``headers`` and the subscript parse it again on demand. The body is not
/// touched.
public struct Frame: Sendable {
    /// The frame's bytes as on the wire: header block, blank line, body.
    let storage: ArraySlice<UInt8>
    /// Where the body starts, counted from `storage.startIndex`: just after the blank line.
    let headerEnd: Int
    /// The message's type, read from its `Content-Type` header.
    public let contentType: ContentType

    init(storage: ArraySlice<UInt8>, headerEnd: Int, contentType: ContentType) {
        self.storage = storage
        self.headerEnd = headerEnd
        self.contentType = contentType
    }

    /// The header lines, split at the first colon, values raw (outer headers are
    /// never URL-encoded; see esl-protocol.md §1.4).
    public var headers: [(name: String, value: String)] {
        storage.withUnsafeBufferPointer { bytes in
            var headers: [(name: String, value: String)] = []
            // The decoder checked every line already, so this cannot fail.
            _ = try? HeaderBlock.scan(bytes, 0..<max(0, headerEnd - 2)) { line in
                headers.append((
                    name: String(decoding: bytes[line.name], as: UTF8.self),
                    value: String(decoding: bytes[line.value], as: UTF8.self)
                ))
            }
            return headers
        }
    }

    /// The last value of a header (case-insensitive name), or nil.
    public subscript(name: String) -> String? {
        headers.last { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// The body bytes (empty when the frame has none).
    public var body: ArraySlice<UInt8> { storage[(storage.startIndex + headerEnd)...] }

    /// The body as text; invalid UTF-8 is replaced, never fatal.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// `Reply-Text` of a `command/reply`, if any.
    public var replyText: String? { self["Reply-Text"] }
}

/// The outer header block of a frame (`Name: value` lines), read as bytes.
enum HeaderBlock {
    /// One line: where its name and its value (leading blanks skipped) lie.
    struct Line {
        var name: Range<Int>
        var value: Range<Int>
    }

    /// What the decoder needs from a header block.
    struct Summary {
        /// The last `Content-Length`'s value, if any (not yet checked).
        var contentLength: Range<Int>?
        /// The last `Content-Type`'s value, if any.
        var contentType: Range<Int>?
        /// Some `Content-Type` says `text/disconnect-notice`.
        var isDisconnectNotice = false
    }

    /// Calls `body` for each line of `range` (lines end with LF; the last may not).
    /// - Throws: ``ESLError/protocolViolation(_:)`` for a line without a colon.
    static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ body: (Line) -> Void
    ) throws(ESLError) {
        var lineStart = range.lowerBound
        while lineStart < range.upperBound {
            var lineEnd = lineStart
            while lineEnd < range.upperBound, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            var colon = lineStart
            while colon < lineEnd, bytes[colon] != UInt8(ascii: ":") { colon += 1 }
            guard colon < lineEnd else {
                let line = String(decoding: bytes[lineStart..<min(lineEnd, lineStart + 60)], as: UTF8.self)
                throw .protocolViolation("header line without a colon: \"\(line)\"")
            }
            var valueStart = colon + 1
            while valueStart < lineEnd, bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09 {
                valueStart += 1
            }
            body(Line(name: lineStart..<colon, value: valueStart..<lineEnd))
            lineStart = lineEnd + 1
        }
    }

    /// Checks every line of `range` and finds the headers the decoder needs.
    static func summarize(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(ESLError) -> Summary {
        var summary = Summary()
        try scan(bytes, range) { line in
            if equalsIgnoringCase(bytes, line.name, contentLengthName) {
                summary.contentLength = line.value
            } else if equalsIgnoringCase(bytes, line.name, contentTypeName) {
                summary.contentType = line.value
                if equals(bytes, line.value, disconnectNotice) { summary.isDisconnectNotice = true }
            }
        }
        return summary
    }

    static let contentLengthName: StaticString = "content-length"
    static let contentTypeName: StaticString = "content-type"
    static let disconnectNotice: StaticString = "text/disconnect-notice"

    /// ASCII case-insensitive; `lowercase` must be lower case already.
    @inline(__always)
    static func equalsIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ lowercase: StaticString) -> Bool {
        guard range.count == lowercase.utf8CodeUnitCount else { return false }
        let key = lowercase.utf8Start
        for offset in 0..<range.count where asciiLower(bytes[range.lowerBound + offset]) != key[offset] {
            return false
        }
        return true
    }

    @inline(__always)
    static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ text: StaticString) -> Bool {
        guard range.count == text.utf8CodeUnitCount else { return false }
        let key = text.utf8Start
        for offset in 0..<range.count where bytes[range.lowerBound + offset] != key[offset] { return false }
        return true
    }
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

        /// The type named by `bytes` (a `Content-Type` value), without making a `String`
        /// for the known ones.
        init(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>?) {
            guard let range else {
                self = .other("")
                return
            }
            for known in Self.known where HeaderBlock.equals(bytes, range, known.text) {
                self = known.type
                return
            }
            self = .other(String(decoding: bytes[range], as: UTF8.self))
        }

        private static let known: [(text: StaticString, type: ContentType)] = [
            ("text/event-plain", .eventPlain), ("command/reply", .commandReply), ("api/response", .apiResponse),
            ("text/event-json", .eventJSON), ("text/event-xml", .eventXML), ("auth/request", .authRequest),
            ("text/disconnect-notice", .disconnectNotice), ("text/rude-rejection", .rudeRejection),
            ("log/data", .logData),
        ]

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
    public var rawBytes: [UInt8] { Array(storage) }
    /// Where the body starts in ``rawBytes``.
    public var bodyOffset: Int { headerEnd }
}
