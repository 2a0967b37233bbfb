/// A call's legs' keys, originating leg first. The first is kept inline, so a call of
/// one leg (a load run's usual call to a foreign address) allocates nothing for them:
/// an array per call was ~64 bytes of heap for each call in flight.
struct LegKeys: Sequence {
    private var first: UUIDKey?
    private var rest: [UUIDKey] = []

    init() {}

    /// Puts `key` first (the originating leg, whenever it shows up).
    mutating func insertFirst(_ key: UUIDKey) {
        if let first { rest.insert(first, at: 0) }
        first = key
    }

    /// Adds `key` after the others.
    mutating func append(_ key: UUIDKey) {
        if first == nil {
            first = key
        } else {
            rest.append(key)
        }
    }

    func makeIterator() -> Iterator { Iterator(keys: self) }

    struct Iterator: IteratorProtocol {
        let keys: LegKeys
        var index = 0

        mutating func next() -> UUIDKey? {
            defer { index += 1 }
            // `first` is nil only while `rest` is empty.
            if index == 0 { return keys.first }
            return index - 1 < keys.rest.count ? keys.rest[index - 1] : nil
        }
    }
}
