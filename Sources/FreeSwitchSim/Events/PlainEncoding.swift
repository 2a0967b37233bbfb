import ESL

/// FreeSWITCH's URL encoding of plain-event values, written straight into an output
/// buffer (the simulator's hot path; see ``URLCoding`` in ESL for the reference).
///
/// The bytes of ``URLCoding/unsafeBytes`` become `%XX` in uppercase hex; a `%` already followed by two uppercase hex digits is copied as is,
/// which is FreeSWITCH's "no double encoding" rule (esl-protocol.md §4.2).
///
/// Apart from that rule the encoding is reversible: every `%` it writes starts an
/// escape, so ``decode(_:)`` gives the raw value back whenever ``keepsEscape(_:)``
/// is false. ``HeaderBlock`` relies on this to store only the encoded bytes.
enum PlainEncoding {
    /// Appends `value`, encoded, to `out`; false when a `%XX` was copied as is (the
    /// encoding then cannot be decoded back to `value`).
    ///
    /// Runs of safe bytes are copied in one go: most values (uuids, numbers, codec
    /// names) have none or few bytes to escape, and a byte-at-a-time append pays a
    /// uniqueness and a capacity check per byte.
    @discardableResult
    static func appendEncoded(_ value: String, to out: inout [UInt8]) -> Bool {
        var value = value
        var reversible = true
        value.withUTF8 { bytes in
            URLCoding.unsafeBytes.withUnsafeBufferPointer { unsafe in
                let count = bytes.count
                var index = 0
                while index < count {
                    var run = index
                    while run < count, !unsafe[Int(bytes[run])] { run += 1 }
                    if run > index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<run])) }
                    guard run < count else { return }
                    let byte = bytes[run]
                    if byte == UInt8(ascii: "%"), run + 2 < count, URLCoding.isUpperHex(bytes[run + 1]), URLCoding.isUpperHex(bytes[run + 2]) {
                        out.append(byte)
                        reversible = false
                    } else {
                        out.append(UInt8(ascii: "%"))
                        out.append(URLCoding.hexDigits[Int(byte >> 4)])
                        out.append(URLCoding.hexDigits[Int(byte & 0x0F)])
                    }
                    index = run + 1
                }
            }
        }
        return reversible
    }

    /// The encoded bytes of `value`.
    static func encode(_ value: String) -> [UInt8] {
        var out: [UInt8] = []
        appendEncoded(value, to: &out)
        return out
    }

    /// True when encoding `value` copies a `%XX` as is (see ``appendEncoded(_:to:)``).
    static func keepsEscape(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count >= 3 else { return false }
        for index in 0...(bytes.count - 3) where bytes[index] == UInt8(ascii: "%") {
            if URLCoding.isUpperHex(bytes[index + 1]), URLCoding.isUpperHex(bytes[index + 2]) { return true }
        }
        return false
    }

    /// The raw value of an encoded one that ``keepsEscape(_:)`` found reversible
    /// (the client's own `%XX` decoding: this encoder only writes uppercase escapes).
    static func decode(_ encoded: ArraySlice<UInt8>) -> String {
        guard encoded.contains(UInt8(ascii: "%")) else { return String(decoding: encoded, as: UTF8.self) }
        return String(decoding: URLCoding.decode(encoded), as: UTF8.self)
    }
}
