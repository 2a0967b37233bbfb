import ESL

/// A leg's or call's uuid as a dictionary key: a canonical lowercase uuid
/// (`8-4-4-4-12` hex digits, as FreeSWITCH and `originate` write them) as its 128
/// bits, hashed and compared without a heap string; any other text as is, so two keys
/// are equal exactly when their texts are.
package enum UUIDKey: Hashable, Sendable {
    case uuid(UInt64, UInt64)
    case text(String)

    package init(_ text: String) {
        var text = text
        self = text.withUTF8 { UUIDKey.parse($0) }.map { .uuid($0.high, $0.low) } ?? .text(text)
    }

    /// The key of header `name`'s value, read from the event's bytes (no `String` for a
    /// canonical uuid); nil when the event lacks the header.
    init?(_ event: Event, _ name: String) {
        guard let parsed = event.rawValue(of: name).map({ $0.withUnsafeBufferPointer { UUIDKey.parse($0) } }) else {
            return nil
        }
        if let bits = parsed {
            self = .uuid(bits.high, bits.low)
        } else if let text = event[name] {
            self = .text(text)
        } else {
            return nil
        }
    }

    /// The text this key was made from (a canonical uuid written out again, in lower
    /// case as it was read).
    package var text: String {
        switch self {
        case .uuid(let high, let low): return Self.text(high: high, low: low)
        case .text(let text): return text
        }
    }

    /// These 128 bits as a canonical uuid: lowercase hex digits, `8-4-4-4-12`.
    package static func text(high: UInt64, low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            let digits: StaticString = "0123456789abcdef"
            var index = 0
            func put(_ word: UInt64, nibbles: Int) {
                var shift = UInt64(nibbles - 1) * 4
                while true {
                    buffer[index] = digits.utf8Start[Int((word >> shift) & 0xF)]
                    index += 1
                    if shift == 0 { return }
                    shift -= 4
                }
            }
            func dash() {
                buffer[index] = UInt8(ascii: "-")
                index += 1
            }
            put(high >> 32, nibbles: 8)
            dash()
            put(high >> 16, nibbles: 4)
            dash()
            put(high, nibbles: 4)
            dash()
            put(low >> 48, nibbles: 4)
            dash()
            put(low, nibbles: 12)
            return index
        }
    }

    /// 64 well-mixed bits for ``UUIDIndex``: a canonical uuid's bits through
    /// two multiply-xorshift rounds (no `Hasher`), any other text's `hashValue`.
    @inline(__always)
    package var hashBits: UInt64 {
        switch self {
        case .uuid(let high, let low):
            var bits = (high &* 0x9E37_79B9_7F4A_7C15) ^ low
            bits ^= bits >> 32
            bits &*= 0xD6E8_FEB8_6659_FD93
            return bits ^ (bits >> 32)
        case .text(let text):
            return UInt64(bitPattern: Int64(text.hashValue))
        }
    }

    /// The 128 bits of a canonical lowercase uuid; nil for anything else.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (high: UInt64, low: UInt64)? {
        guard bytes.count == 36, let base = bytes.baseAddress, base[8] == 0x2D, base[13] == 0x2D, base[18] == 0x2D,
            base[23] == 0x2D,
            let first = hex(base, 8), let second = hex(base + 9, 4), let third = hex(base + 14, 4),
            let fourth = hex(base + 19, 4), let fifth = hex(base + 24, 12)
        else { return nil }
        return (first << 32 | second << 16 | third, fourth << 48 | fifth)
    }

    /// The value of `count` lowercase hex digits; nil if one is anything else.
    @inline(__always)
    private static func hex(_ digits: UnsafePointer<UInt8>, _ count: Int) -> UInt64? {
        var value: UInt64 = 0
        var invalid = false
        for index in 0..<count {
            let byte = digits[index]
            let decimal = byte &- 0x30  // "0"..."9" → 0...9
            let letter = byte &- 0x61  // "a"..."f" → 0...5
            invalid = invalid || (decimal > 9 && letter > 5)
            value = value << 4 | UInt64(decimal <= 9 ? decimal : letter &+ 10)
        }
        return invalid ? nil : value
    }
}
