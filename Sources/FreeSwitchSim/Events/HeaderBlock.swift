#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An immutable run of event headers, kept as its `text/event-plain` encoding.
///
/// Channel events are made of a few blocks (base headers, channel data, caller
/// profile, variables); the blocks that do not change between two events of a call
/// are shared, so a call's twenty-odd events encode each variable once, not twenty
/// times.
///
/// Only the encoded bytes are stored: the raw headers (for filters, JSON and XML) are
/// decoded from them on demand. Keeping a `[(String, String)]` beside the bytes cost
/// an array and a string or two per header, built under the core's lock and freed by
/// the connection thread, for every event — while the plain format, the one load
/// generators use, never reads them. When the encoding cannot be reversed exactly (a
/// value holding a `%XX` that FreeSWITCH copies as is, or a name with a colon), the
/// raw headers are kept too, so decoding never guesses.
final class HeaderBlock: Sendable {
    /// `Name: <url-encoded value>\n` for every header, back to back.
    let plain: [UInt8]
    /// The raw headers, kept only when `plain` does not decode back to them.
    private let raw: [(name: String, value: String)]?

    init(_ headers: [(name: String, value: String)]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headers.count * 48)
        var reversible = true
        for (name, value) in headers {
            if !Self.append(name, value, to: &bytes) { reversible = false }
        }
        self.plain = bytes
        self.raw = reversible ? nil : headers
    }

    /// A block whose plain encoding was assembled by the caller from lines that
    /// decode back exactly (see ``append(_:_:to:)``).
    init(plain: [UInt8]) {
        self.plain = plain
        self.raw = nil
    }

    /// A block assembled by the caller, with the raw headers when some line does not
    /// decode back exactly (nil otherwise).
    init(plain: [UInt8], raw: [(name: String, value: String)]?) {
        self.plain = plain
        self.raw = raw
    }

    /// The headers in order, values raw (not URL-encoded). Names may repeat.
    var headers: [(name: String, value: String)] {
        if let raw { return raw }
        var out: [(name: String, value: String)] = []
        forEachLine { name, value in
            out.append((String(decoding: plain[name], as: UTF8.self), PlainEncoding.decode(plain[value])))
            return true
        }
        return out
    }

    /// Appends `Name: <encoded value>\n`; false when that line would not decode back
    /// to `name` and `value` exactly.
    @discardableResult
    static func append(_ name: String, _ value: String, to bytes: inout [UInt8]) -> Bool {
        var name = name
        let nameReversible = name.withUTF8 { utf8 in
            bytes.append(contentsOf: utf8)
            for byte in utf8 where byte == UInt8(ascii: ":") || byte < 0x20 { return false }
            return true
        }
        bytes.append(UInt8(ascii: ":"))
        bytes.append(UInt8(ascii: " "))
        let valueReversible = PlainEncoding.appendEncoded(value, to: &bytes)
        bytes.append(0x0A)
        return nameReversible && valueReversible
    }

    /// `Name: <encoded value>\n` for one header.
    static func line(_ name: String, _ value: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count + value.utf8.count + 8)
        append(name, value, to: &bytes)
        return bytes
    }

    /// True when `line(name, value)` decodes back to `name` and `value` exactly.
    static func isReversible(_ name: String, _ value: String) -> Bool {
        !name.utf8.contains { $0 == UInt8(ascii: ":") || $0 < 0x20 } && !PlainEncoding.keepsEscape(value)
    }

    static let empty = HeaderBlock([])

    /// The last value of `name` in this block (case-insensitive), if present.
    func lastValue(_ name: String) -> String? {
        if let raw {
            var index = raw.count - 1
            while index >= 0 {
                if Self.sameName(raw[index].name.utf8, name) { return raw[index].value }
                index -= 1
            }
            return nil
        }
        // Every event is checked against each listener's filters, so this runs a few
        // times per event per filtered listener: compare lengths first, bytes only then.
        var name = name
        let found: Range<Int>? = name.withUTF8 { key in
            plain.withUnsafeBufferPointer { bytes in
                var found: Range<Int>?
                forEachLine { nameRange, value in
                    if nameRange.count == key.count, Self.sameName(bytes[nameRange], key) { found = value }
                    return true
                }
                return found
            }
        }
        return found.map { PlainEncoding.decode(plain[$0]) }
    }

    private static func sameName(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == key.count else { return false }
        var index = bytes.startIndex
        for byte in key {
            if lower(bytes[index]) != lower(byte) { return false }
            index += 1
        }
        return true
    }

    private static func sameName<C: Collection<UInt8>>(_ bytes: C, _ name: String) -> Bool {
        guard bytes.count == name.utf8.count else { return false }
        return zip(bytes, name.utf8).allSatisfy { lower($0) == lower($1) }
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// Calls `body` with the name and encoded-value ranges of each line, in order,
    /// until it returns false.
    private func forEachLine(_ body: (Range<Int>, Range<Int>) -> Bool) {
        plain.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return }
            let count = bytes.count
            // The colon is searched for up to the end of the block and the LF from the
            // colon on, as a byte loop would (every line this block writes has both).
            func find(_ byte: UInt8, from start: Int) -> Int {
                guard start < count, let hit = memchr(base + start, Int32(byte), count - start) else { return count }
                return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
            var start = 0
            while start < count {
                let colon = find(UInt8(ascii: ":"), from: start)
                let end = find(0x0A, from: colon)
                let valueStart = min(colon + 2, end)
                guard body(start..<colon, valueStart..<end) else { return }
                start = end + 1
            }
        }
    }
}
