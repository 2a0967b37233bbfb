/// FreeSWITCH's URL encoding of plain-event header values (esl-protocol.md §4.2).
public enum URLCoding {
    /// Decodes `%XX` (either case of hex) into the byte; every other byte is literal,
    /// `+` included. A `%` not followed by two hex digits stays as it is.
    public static func decode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%"), index + 2 < input.count,
                let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }

    /// Encodes as FreeSWITCH does: bytes < 0x20 or > 0x7E, space, and
    /// `` ` # % & + : ; < = > ? @ [ \ ] ^ { | } " `` become `%XX` with uppercase hex.
    ///
    /// FreeSWITCH does not re-encode a `%` that already starts a `%XX` sequence with
    /// uppercase hex digits (its encoding is lossy); pass `keepEncoded: true` to
    /// reproduce that.
    public static func encode(_ bytes: some Collection<UInt8>, keepEncoded: Bool = true) -> [UInt8] {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity(input.count + input.count / 4)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if keepEncoded, byte == UInt8(ascii: "%"), index + 2 < input.count,
                isUpperHex(input[index + 1]), isUpperHex(input[index + 2])
            {
                out.append(contentsOf: input[index...index + 2])
                index += 3
                continue
            }
            if isUnsafe(byte) {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            } else {
                out.append(byte)
            }
            index += 1
        }
        return out
    }

    /// True for the bytes FreeSWITCH's `SWITCH_URL_UNSAFE` set (plus controls and
    /// non-ASCII) makes it encode.
    public static func isUnsafe(_ byte: UInt8) -> Bool { unsafeBytes[Int(byte)] }

    /// ``isUnsafe(_:)`` of each byte, by its value: bytes < 0x20 or > 0x7E, space, and
    /// `` ` # % & + : ; < = > ? @ [ \ ] ^ { | } " ``. The one definition of the set,
    /// for the simulator's encoder too.
    package static let unsafeBytes: [Bool] = (0..<256).map { byte in
        byte < 0x20 || byte > 0x7E || Array(" `#%&+:;<=>?@[\\]^{|}\"".utf8).contains(UInt8(byte))
    }

    /// The uppercase hex digits an escape is written with.
    package static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// `0`–`9` or `A`–`F`: the digits of an escape FreeSWITCH leaves as it is.
    package static func isUpperHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
