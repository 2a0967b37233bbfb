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
        return UUIDKey.text(high: high, low: low)
    }
}
