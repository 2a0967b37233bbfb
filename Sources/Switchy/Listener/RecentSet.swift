/// A bounded set of uuids that forgets its oldest members first: the uuids of legs
/// that ended, so their straggling events are ignored.
///
/// Its memory stops growing once it is full: a ring of `capacity` keys (the newest
/// member overwrites the oldest) and a set of the same keys. Members are
/// ``UUIDKey``s, so a canonical uuid takes 128 bits instead of a 36-byte heap string
/// and membership is exactly string equality.
///
/// The soak (RELIABILITY.md) found the earlier version holding up to twice
/// `capacity` strings: evicted members stayed in its order array until half of it
/// could be dropped, about 20 MB per listener, reached only after 131,072 legs.
struct RecentSet {
    typealias Key = UUIDKey

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

    func contains(_ member: String) -> Bool { contains(Key(member)) }

    func contains(_ key: Key) -> Bool { members.contains(key) }

    mutating func insert(_ member: String) { insert(Key(member)) }

    mutating func insert(_ key: Key) {
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
