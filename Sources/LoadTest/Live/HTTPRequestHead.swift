/// The head of an HTTP/1.x request (request line and header fields), as the metrics
/// server reads it: just enough HTTP to answer a scraper.
struct HTTPRequestHead: Sendable, Equatable {
    var method: String
    /// The path, without the query (an absolute-form target is reduced to its path).
    var path: String
    var version: String
    /// Header fields in order, names lowercased.
    var fields: [(name: String, value: String)]

    /// The first field named `name` (lowercase).
    func field(_ name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    static func == (lhs: HTTPRequestHead, rhs: HTTPRequestHead) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path && lhs.version == rhs.version
            && lhs.fields.elementsEqual(rhs.fields) { $0 == $1 }
    }
}

/// Reads a request head from bytes as they arrive: pure (no socket in sight) and
/// incremental, remembering where it stopped looking for the blank line so that no
/// byte is scanned twice, and bounded (a head longer than `limit` is refused, not
/// buffered).
///
///     GET /metrics HTTP/1.1␍␊          request line: method SP target SP version
///     Host: 127.0.0.1:9464␍␊           field lines: name ":" OWS value OWS
///     Accept: text/plain␍␊
///     ␍␊                               end of the head (a bare ␊ is taken for ␍␊)
struct HTTPHeadReader {
    /// What the bytes so far make.
    enum Step: Equatable {
        /// No complete head yet: read more.
        case needMore
        case head(HTTPRequestHead)
        /// Not an HTTP/1.x request head (400), and why.
        case malformed(String)
        /// More than `limit` bytes without the end of the head (431).
        case tooLarge
    }

    let limit: Int
    private var buffer: [UInt8] = []
    /// Where the search for the blank line resumes.
    private var scanned = 0

    init(limit: Int = 8 * 1024) {
        self.limit = limit
    }

    /// Adds `bytes` and says what the head is now.
    mutating func feed(_ bytes: some Collection<UInt8>) -> Step {
        buffer.append(contentsOf: bytes)
        var index = scanned
        while index < buffer.count {
            // The head ends at LF (CR)? LF: an empty line.
            if buffer[index] == 0x0A {
                let next = index + 1
                if next < buffer.count, buffer[next] == 0x0A { return parse(buffer[..<index]) }
                if next + 1 < buffer.count, buffer[next] == 0x0D, buffer[next + 1] == 0x0A { return parse(buffer[..<index]) }
                if next >= buffer.count || (next + 1 >= buffer.count && buffer[next] == 0x0D) { break }
            }
            if index >= limit { return .tooLarge }
            index += 1
        }
        scanned = index
        return buffer.count > limit ? .tooLarge : .needMore
    }

    /// The head's lines (without the blank line) into a request head.
    private func parse(_ bytes: ArraySlice<UInt8>) -> Step {
        if bytes.count > limit { return .tooLarge }
        // Lines split on the bytes (a Character would take CR LF as one).
        var lines: [Substring] = []
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let content = line.last == 0x0D ? line.dropLast() : line
            guard let text = String(validating: content, as: UTF8.self) else { return .malformed("the head is not UTF-8") }
            lines.append(Substring(text))
        }
        guard !lines.isEmpty else { return .malformed("no request line") }
        let requestLine = lines.removeFirst()
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .malformed("the request line is not 'METHOD TARGET HTTP/1.x'") }
        let method = String(parts[0]), target = String(parts[1]), version = String(parts[2])
        guard !method.isEmpty, method.utf8.allSatisfy(Self.isTokenByte) else { return .malformed("bad method") }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { return .malformed("not HTTP/1.0 or HTTP/1.1") }
        guard let path = Self.path(of: target) else { return .malformed("bad request target") }
        var fields: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { return .malformed("a header line without ':'") }
            let name = line[..<colon]
            // No whitespace before the colon, and no obsolete line folding (RFC 9112 §5).
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else { return .malformed("bad header name") }
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            fields.append((name.lowercased(), String(value)))
        }
        return .head(HTTPRequestHead(method: method, path: path, version: version, fields: fields))
    }

    /// The path of an origin-form (`/metrics?x`) or absolute-form
    /// (`http://host/metrics`) target; nil for anything else.
    private static func path(of target: String) -> String? {
        var rest = Substring(target)
        if rest.lowercased().hasPrefix("http://") || rest.lowercased().hasPrefix("https://") {
            rest = rest[rest.index(after: rest.firstIndex(of: ":")!)...].dropFirst(2)
            rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        guard rest.hasPrefix("/"), rest.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        return String(rest.prefix { $0 != "?" && $0 != "#" })
    }

    /// RFC 9110's `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    fileprivate func trimmingWhitespace() -> Substring {
        let isSpace = { (c: Character) in c == " " || c == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
