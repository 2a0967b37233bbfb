/// FreeSWITCH's URL encoding of plain-event values, written straight into an output
/// buffer (the simulator's hot path; see ``URLCoding`` in ESL for the reference).
///
/// Bytes < 0x20 or > 0x7E and `` ` #%&+:;<=>?@[\]^{|}" `` (and space) become `%XX` in
/// uppercase hex; a `%` already followed by two uppercase hex digits is copied as is,
/// which is FreeSWITCH's "no double encoding" rule (esl-protocol.md §4.2).
enum PlainEncoding {
    private static let unsafe: [Bool] = (0..<256).map { byte in
        if byte < 0x20 || byte > 0x7E { return true }
        return Array(" `#%&+:;<=>?@[\\]^{|}\"".utf8).contains(UInt8(byte))
    }
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Appends `value`, encoded, to `out`.
    static func appendEncoded(_ value: String, to out: inout [UInt8]) {
        var value = value
        value.withUTF8 { bytes in
            let count = bytes.count
            var index = 0
            while index < count {
                let byte = bytes[index]
                if !unsafe[Int(byte)] {
                    out.append(byte)
                } else if byte == UInt8(ascii: "%"), index + 2 < count, isUpperHex(bytes[index + 1]),
                    isUpperHex(bytes[index + 2])
                {
                    out.append(byte)
                } else {
                    out.append(UInt8(ascii: "%"))
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0x0F)])
                }
                index += 1
            }
        }
    }

    /// The encoded bytes of `value`.
    static func encode(_ value: String) -> [UInt8] {
        var out: [UInt8] = []
        appendEncoded(value, to: &out)
        return out
    }

    private static func isUpperHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46)
    }
}
