@testable import Switchy
import Testing

/// The bounded set of ended legs: exact membership, oldest forgotten first.
@Suite struct RecentSetTests {
    @Test(arguments: [
        ("5b1e0c7a-2f43-4d55-9a0e-1c2d3e4f5a6b", true),  // canonical: kept as 128 bits
        ("5B1E0C7A-2F43-4D55-9A0E-1C2D3E4F5A6B", false),  // uppercase: kept as text (a different member)
        ("5b1e0c7a-2f43-4d55-9a0e-1c2d3e4f5a6", false),  // one digit short
        ("5b1e0c7a-2f43-4d55-9a0e-1c2d3e4f5a6bb", false),  // one digit too many
        ("5b1e0c7a+2f43-4d55-9a0e-1c2d3e4f5a6b", false),  // not a dash
        ("5b1e0c7a-2f43-4d55-9a0e-1c2d3e4f5a6g", false),  // not hex
        ("not-a-uuid", false),
        ("", false),
    ])
    func keysAreExactStrings(text: String, compact: Bool) {
        let key = RecentSet.Key(text)
        if case .uuid = key { #expect(compact) } else { #expect(!compact && key == .text(text)) }
        var set = RecentSet(capacity: 4)
        set.insert(text)
        #expect(set.contains(text))
    }

    @Test func caseMattersAsInStringEquality() {
        var set = RecentSet(capacity: 4)
        set.insert("5b1e0c7a-2f43-4d55-9a0e-1c2d3e4f5a6b")
        #expect(!set.contains("5B1E0C7A-2F43-4D55-9A0E-1C2D3E4F5A6B"))
        set.insert("5B1E0C7A-2F43-4D55-9A0E-1C2D3E4F5A6B")
        #expect(set.count == 2)
    }

    @Test func distinctUUIDsStayDistinct() {
        var set = RecentSet(capacity: 16)
        set.insert("00000000-0000-0000-0000-000000000001")
        #expect(!set.contains("10000000-0000-0000-0000-000000000000"))
        #expect(!set.contains("00000000-0000-0000-0000-000000000010"))
        #expect(set.contains("00000000-0000-0000-0000-000000000001"))
    }

    @Test func forgetsTheOldestOnceFullAndNeverHoldsMore() {
        var set = RecentSet(capacity: 3)
        let uuids = (0..<10).map { "00000000-0000-0000-0000-00000000000\($0)" }
        for (index, uuid) in uuids.enumerated() {
            set.insert(uuid)
            set.insert(uuid)  // again: no effect
            #expect(set.count == min(index + 1, 3))
        }
        #expect(uuids.filter { set.contains($0) } == Array(uuids.suffix(3)))
    }
}
