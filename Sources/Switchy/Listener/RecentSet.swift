/// A bounded set of strings that forgets its oldest members first: the uuids of legs
/// that ended, so their straggling events are ignored.
///
/// Its memory stops growing once it is full: a ring of `capacity` keys (the newest
/// member overwrites the oldest) and a set of the same keys. A canonical lowercase
/// uuid (`8-4-4-4-12` hex digits, as FreeSWITCH and `originate` write them) is kept
/// as its 128 bits instead of a 36-byte heap string; any other text is kept as is,
/// so membership is exactly string equality.
///
/// The soak (RELIABILITY.md) found the earlier version holding up to twice
/// `capacity` strings: evicted members stayed in its order array until half of it
/// could be dropped, about 20 MB per listener, reached only after 131,072 legs.
struct RecentSet {
    enum Key: Hashable {
        case uuid(UInt64, UInt64)
        case text(String)

        init(_ text: String) {
            self = Key.parseUUID(text).map { .uuid($0.high, $0.low) } ?? .text(text)
        }

        /// The 128 bits of a canonical lowercase uuid; nil for anything else.
        static func parseUUID(_ text: String) -> (high: UInt64, low: UInt64)? {
            guard text.utf8.count == 36 else { return nil }
            var high: UInt64 = 0
            var low: UInt64 = 0
            var digits = 0
            for (index, byte) in text.utf8.enumerated() {
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    guard byte == UInt8(ascii: "-") else { return nil }
                    continue
                }
                let value: UInt64
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt64(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): value = UInt64(byte - UInt8(ascii: "a") + 10)
                default: return nil
                }
                if digits < 16 { high = high << 4 | value } else { low = low << 4 | value }
                digits += 1
            }
            return (high, low)
        }
    }

    private var members: Set<Key> = []
    private var ring: [Key] = []
    /// The ring slot the next member overwrites once the ring is full.
    private var oldest = 0
    let capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0, "a RecentSet needs room for one member")
        self.capacity = capacity
    }

    /// Members remembered (at most `capacity`).
    var count: Int { members.count }

    func contains(_ member: String) -> Bool { members.contains(Key(member)) }

    mutating func insert(_ member: String) {
        let key = Key(member)
        guard members.insert(key).inserted else { return }
        if ring.count < capacity {
            ring.append(key)
            return
        }
        members.remove(ring[oldest])
        ring[oldest] = key
        oldest = (oldest + 1) % capacity
    }
}
