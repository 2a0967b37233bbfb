@testable import LoadTest
import Testing

/// ``HTTPHeadReader``: the heads a scraper sends, split anywhere, and the ones to refuse.
@Suite struct HTTPHeadReaderTests {
    static let scrape = Array(
        "GET /metrics?x=1 HTTP/1.1\r\nHost: 127.0.0.1:9464\r\nAccept:  text/plain \r\nUser-Agent: Prometheus/2.42.0\r\n\r\n".utf8)
    static let expected = HTTPRequestHead(
        method: "GET", path: "/metrics", version: "HTTP/1.1",
        fields: [("host", "127.0.0.1:9464"), ("accept", "text/plain"), ("user-agent", "Prometheus/2.42.0")])

    /// Whole, and split at every index: the head only once complete, the same head.
    @Test func aHeadSplitAnywhereReadsTheSame() {
        var whole = HTTPHeadReader()
        #expect(whole.feed(Self.scrape) == .head(Self.expected))
        for split in 1..<Self.scrape.count {
            var reader = HTTPHeadReader()
            #expect(reader.feed(Self.scrape[..<split]) == .needMore, "split at \(split)")
            #expect(reader.feed(Self.scrape[split...]) == .head(Self.expected), "split at \(split)")
        }
        var bytewise = HTTPHeadReader()
        for (index, byte) in Self.scrape.enumerated() {
            let step = bytewise.feed([byte])
            #expect(step == (index == Self.scrape.count - 1 ? .head(Self.expected) : .needMore))
        }
    }

    @Test(arguments: [
        // Bare LF line ends, HTTP/1.0, an absolute-form target, no fields.
        ("GET /metrics HTTP/1.0\n\n", "GET", "/metrics"),
        ("HEAD http://localhost:9464/metrics HTTP/1.1\r\nHost: x\r\n\r\n", "HEAD", "/metrics"),
        ("POST / HTTP/1.1\r\n\r\n", "POST", "/"),
    ])
    func headsAccepted(text: String, method: String, path: String) throws {
        var reader = HTTPHeadReader()
        guard case .head(let head) = reader.feed(Array(text.utf8)) else {
            Issue.record("not read: \(text.debugDescription)")
            return
        }
        #expect(head.method == method && head.path == path)
    }

    @Test(arguments: [
        "GET /metrics\r\n\r\n",  // no version
        "GET  /metrics HTTP/1.1\r\n\r\n",  // two spaces
        "GET /metrics HTTP/2.0\r\n\r\n",
        "GET metrics HTTP/1.1\r\n\r\n",  // not origin-form
        "G(T /metrics HTTP/1.1\r\n\r\n",  // not a token
        "GET /metrics HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n",  // no colon
        "GET /metrics HTTP/1.1\r\nHost : x\r\n\r\n",  // space before the colon
        "GET /metrics HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",  // obsolete line folding
        "\u{16}\u{03}\u{01}\u{02}\u{00}\r\n\r\n",  // TLS-ish garbage
    ])
    func malformedHeadsAreRefused(text: String) {
        var reader = HTTPHeadReader()
        guard case .malformed = reader.feed(Array(text.utf8)) else {
            Issue.record("accepted: \(text.debugDescription)")
            return
        }
    }

    @Test func anOversizeHeadIsRefusedWithoutItsEnd() {
        var reader = HTTPHeadReader(limit: 64)
        #expect(reader.feed(Array("GET /metrics HTTP/1.1\r\n".utf8)) == .needMore)
        #expect(reader.feed(Array(repeating: UInt8(ascii: "a"), count: 100)) == .tooLarge)
        var whole = HTTPHeadReader(limit: 64)
        let long = "GET /metrics HTTP/1.1\r\nX: " + String(repeating: "b", count: 80) + "\r\n\r\n"
        #expect(whole.feed(Array(long.utf8)) == .tooLarge)
        var invalid = HTTPHeadReader()
        guard case .malformed = invalid.feed([0x47, 0xFF, 0x20, 0x2F, 0x0A, 0x0A]) else {
            Issue.record("invalid UTF-8 accepted")
            return
        }
    }
}
