import Foundation
@testable import Switchy
import Testing

@Suite struct RandomUUIDTests {
    @Test func theBitsAreWrittenInOrderWithVersionAndVariant() {
        #expect(
            RandomUUID.string(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210)
                == "01234567-89ab-4def-bedc-ba9876543210")
        #expect(RandomUUID.string(high: 0, low: 0) == "00000000-0000-4000-8000-000000000000")
        #expect(RandomUUID.string(high: .max, low: .max) == "ffffffff-ffff-4fff-bfff-ffffffffffff")
    }

    /// Each one parses as a version 4 UUID of the RFC 4122 variant, written lowercase
    /// as FreeSWITCH writes them, and none repeats.
    @Test func newOnesAreVersion4LowercaseAndDistinct() throws {
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let text = RandomUUID.string()
            let parsed = try #require(UUID(uuidString: text))
            #expect(parsed.uuidString.lowercased() == text)
            #expect(parsed.uuid.6 >> 4 == 4)
            #expect(parsed.uuid.8 >> 6 == 0b10)
            seen.insert(text)
        }
        #expect(seen.count == 10_000)
    }

    /// A key gives back the text it was made from: a canonical uuid (kept as its bits,
    /// written out again) and any other text (kept as it is), so the ledger and the
    /// hold timers, which keep only keys, report the uuid the call was offered with.
    @Test(arguments: [
        "01234567-89ab-4def-bedc-ba9876543210", "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff", "01234567-89AB-4DEF-BEDC-BA9876543210", "call-7", "",
        "01234567-89ab-4def-bedc-ba987654321", "0123456g-89ab-4def-bedc-ba9876543210",
        "01234567-89ab-4def-bedc-ba987654321:", "`1234567-89ab-4def-bedc-ba9876543210", "01234567-89ab-4def-bedc_ba9876543210",
    ])
    func keysGiveBackTheirText(_ text: String) {
        let key = UUIDKey(text)
        #expect(key.text == text)
        #expect(UUIDKey(key.text) == key)
    }

    @Test func canonicalUUIDsAreKeptAsBits() {
        for _ in 0..<1_000 {
            let text = RandomUUID.string()
            guard case .uuid = UUIDKey(text) else {
                Issue.record("\(text) was kept as text")
                return
            }
            #expect(UUIDKey(text).text == text)
        }
    }
}
