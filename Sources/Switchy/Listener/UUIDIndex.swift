/// Slots by ``UUIDKey``: the keys in one array kept without holes (removing one moves
/// the last into its slot) and an open-addressed index of `Int32` slots into it
/// (linear probing, deletion by backward shift, so no tombstones). A table keeps its
/// values in an array of its own, moved as the keys are (``DenseTable``, the ledger's
/// calls in flight, the hold timers' live entries).
///
/// A `[UUIDKey: Int32]` index kept 1⅓ to 2⅔ buckets of 28 bytes per entry (25,000 calls
/// took 65,536 buckets: 74 bytes a call per table); this one keeps 4 bytes a bucket, at
/// most 75 % full (10 bytes a call at worst), and hashes a canonical uuid's 128 bits
/// with two multiplies instead of SipHash (``UUIDKey/hashBits``). It is not generic, so
/// another module calls it directly: a generic table from this module ran there
/// unspecialised, looking up type metadata at every access, and so did two
/// `@inlinable` generic helpers that kept a values array in step (measured: `perf`
/// showed their unspecialised symbols and `swift_getWitnessTable` in a load run). Each
/// user therefore keeps its values array in step itself: append or replace after
/// ``insert(_:)``, swap with the last and remove it after ``remove(slot:)``.
package struct UUIDIndex: Sendable {
    /// 1 + a slot of `keyList`, 0 for an empty bucket; its count is 0 or a power of two.
    private var index: [Int32] = []
    private var keyList: [UUIDKey] = []
    /// 64 − log2(index.count): a key's home bucket is the top bits of its hash.
    private var shift = 64

    package init() {}

    /// The keys stored.
    package var count: Int { keyList.count }
    /// Every key, by slot.
    package var keys: [UUIDKey] { keyList }

    /// The slot of `key`; nil if it is not stored.
    package func slot(of key: UUIDKey) -> Int? {
        guard case .found(_, let slot) = find(key) else { return nil }
        return slot
    }

    /// The key in `slot`.
    package func key(at slot: Int) -> UUIDKey { keyList[slot] }

    /// Stores `key` in the next slot (``count`` before the call) unless it is there.
    /// - Returns: its slot, and whether it was added.
    package mutating func insert(_ key: UUIDKey) -> (slot: Int, inserted: Bool) {
        switch find(key) {
        case .found(_, let slot):
            return (slot, false)
        case .empty(let bucket):
            keyList.append(key)
            if keyList.count * 4 > index.count * 3 {
                rebuildIndex(minimumCount: keyList.count)
            } else {
                index[bucket] = Int32(keyList.count)
            }
            return (keyList.count - 1, true)
        }
    }

    /// Takes out the key in `slot`: the last key moves into it, and the caller moves
    /// its value the same way (`values.swapAt(slot, last)`, then `removeLast()`).
    package mutating func remove(slot: Int) {
        guard case .found(let bucket, _) = find(keyList[slot]) else {
            preconditionFailure("UUIDIndex: slot \(slot) is not indexed")
        }
        // Backward shift: a later key of the same run of buckets moves into the hole
        // unless its home lies after the hole (it would no longer be found).
        let mask = index.count - 1
        var hole = bucket
        var next = (bucket + 1) & mask
        while index[next] != 0 {
            let home = home(keyList[Int(index[next]) - 1])
            if (next - home) & mask >= (next - hole) & mask {
                index[hole] = index[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        index[hole] = 0
        // The last key moves into the freed slot; its bucket follows it.
        let lastSlot = keyList.count - 1
        if slot != lastSlot, case .found(let moved, _) = find(keyList[lastSlot]) {
            index[moved] = Int32(slot + 1)
            keyList.swapAt(slot, lastSlot)
        }
        keyList.removeLast()
    }

    /// Makes room for `count` keys at once: the array then never doubles past what the
    /// caller expects, and the index is not rebuilt while they come (4 to 8 bytes a key).
    package mutating func reserveCapacity(_ count: Int) {
        keyList.reserveCapacity(count)
        if count * 4 > index.count * 3 { rebuildIndex(minimumCount: count) }
    }

    /// Forgets every key.
    package mutating func removeAll() {
        self = UUIDIndex()
    }

    // MARK: Probing

    private enum Probe {
        case found(bucket: Int, slot: Int)
        /// Not there; the empty bucket where it would go.
        case empty(bucket: Int)
    }

    @inline(__always)
    private func home(_ key: UUIDKey) -> Int {
        // `shift` is 64 only while the index is empty (then nothing calls this).
        Int(truncatingIfNeeded: key.hashBits >> UInt64(shift))
    }

    private func find(_ key: UUIDKey) -> Probe {
        let mask = index.count - 1
        guard mask >= 0 else { return .empty(bucket: 0) }
        var bucket = home(key)
        while true {
            let stored = Int(index[bucket])
            if stored == 0 { return .empty(bucket: bucket) }
            if keyList[stored - 1] == key { return .found(bucket: bucket, slot: stored - 1) }
            bucket = (bucket + 1) & mask
        }
    }

    /// A new index of at least 16 buckets, at most 75 % full with `minimumCount` keys,
    /// holding every key.
    private mutating func rebuildIndex(minimumCount: Int) {
        var buckets = 16
        while minimumCount * 4 > buckets * 3 { buckets *= 2 }
        shift = 64 - buckets.trailingZeroBitCount
        var fresh = [Int32](repeating: 0, count: buckets)
        let mask = buckets - 1
        for slot in keyList.indices {
            var bucket = home(keyList[slot])
            while fresh[bucket] != 0 { bucket = (bucket + 1) & mask }
            fresh[bucket] = Int32(slot + 1)
        }
        index = fresh
    }
}
