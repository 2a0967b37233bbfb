/// Random (version 4) UUIDs as FreeSWITCH writes them: lowercase, `8-4-4-4-12`.
///
/// Made from the system's random generator (`getrandom(2)` on Linux) and written
/// straight into 36 bytes: Foundation's `UUID()` opens, reads and closes
/// `/dev/urandom` for each one, and `uuidString.lowercased()` makes two strings, a
/// tenth of the scheduler's work per call (BENCHMARKS.md, "Issue 13: thread hand-offs
/// per call").
package enum RandomUUID {
    /// A new random uuid.
    package static func string() -> String {
        var generator = SystemRandomNumberGenerator()
        return string(high: generator.next(), low: generator.next())
    }

    /// The uuid of these 128 bits, with the version (4) and variant (10) bits set.
    package static func string(high: UInt64, low: UInt64) -> String {
        let high = (high & ~0xF000) | 0x4000
        let low = (low & ~(0xC000 << 48)) | (0x8000 << 48)
        return String(unsafeUninitializedCapacity: 36) { buffer in
            let digits: StaticString = "0123456789abcdef"
            var index = 0
            func put(_ word: UInt64, nibbles: Int) {
                for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                    buffer[index] = digits.utf8Start[Int((word >> UInt64(shift)) & 0xF)]
                    index += 1
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
}
