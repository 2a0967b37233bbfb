/// An immutable run of event headers, with its `text/event-plain` encoding computed
/// once.
///
/// Channel events are made of a few blocks (base headers, channel data, caller
/// profile, variables); the blocks that do not change between two events of a call
/// are shared, so a call's twenty-odd events encode each variable once, not twenty
/// times.
final class HeaderBlock: Sendable {
    /// The headers in order, values raw (not URL-encoded). Names may repeat.
    let headers: [(name: String, value: String)]
    /// `Name: <url-encoded value>\n` for every header, back to back.
    let plain: [UInt8]

    init(_ headers: [(name: String, value: String)]) {
        self.headers = headers
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headers.count * 48)
        for (name, value) in headers {
            bytes.append(contentsOf: name.utf8)
            bytes.append(UInt8(ascii: ":"))
            bytes.append(UInt8(ascii: " "))
            PlainEncoding.appendEncoded(value, to: &bytes)
            bytes.append(0x0A)
        }
        self.plain = bytes
    }

    /// A block whose plain encoding was assembled by the caller (from cached lines).
    init(headers: [(name: String, value: String)], plain: [UInt8]) {
        self.headers = headers
        self.plain = plain
    }

    /// `Name: <encoded value>\n` for one header.
    static func line(_ name: String, _ value: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count + value.utf8.count + 8)
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(UInt8(ascii: " "))
        PlainEncoding.appendEncoded(value, to: &bytes)
        bytes.append(0x0A)
        return bytes
    }

    static let empty = HeaderBlock([])

    /// The last value of `name` in this block (case-insensitive), if present.
    func lastValue(_ name: String) -> String? {
        var index = headers.count - 1
        while index >= 0 {
            if headers[index].name.utf8.count == name.utf8.count,
                headers[index].name.lowercased() == name.lowercased()
            {
                return headers[index].value
            }
            index -= 1
        }
        return nil
    }
}
