/// Values by ``UUIDKey``, stored densely: the values in one array kept without holes
/// (removing one moves the last into its slot), and an open-addressed index of
/// `Int32` slots into it (linear probing, deletion by backward shift, so no tombstones).
///
/// The listener's legs (``LegTable``) and calls, the ledger's calls in flight and the
/// hold timers' live entries are kept in these. A `[UUIDKey: Int32]` index kept 1⅓ to
/// 2⅔ buckets of 28 bytes per entry (25,000 calls took 65,536 buckets: 74 bytes a call
/// per table); this one keeps 4 bytes a bucket, at most 75 % full (10 bytes a call
/// at worst), and hashes a canonical uuid's 128 bits with one multiply instead of
/// SipHash (``UUIDKey/hashBits``). The keys are the entries' own: a probe compares
/// the key in the slot it points at.
package struct DenseTable<Value> {
    /// 1 + a slot of `entries`, 0 for an empty bucket; its count is 0 or a power of two.
    private var index: [Int32] = []
    private var entries: [(key: UUIDKey, value: Value)] = []
    /// 64 − log2(index.count): a key's home bucket is the top bits of its hash.
    private var shift = 64

    package init() {}

    /// The values stored.
    package var count: Int { entries.count }
    package var isEmpty: Bool { entries.isEmpty }
    /// Every value, in no particular order.
    package var values: [Value] { entries.map(\.value) }
    /// Every key, in no particular order.
    package var keys: [UUIDKey] { entries.map(\.key) }

    /// The slot of `key`, for ``subscript(slot:)``; nil if it is not tracked.
    package func slot(of key: UUIDKey) -> Int? {
        guard case .found(_, let slot) = find(key) else { return nil }
        return slot
    }

    /// The key in `slot`.
    package func key(at slot: Int) -> UUIDKey { entries[slot].key }

    /// The value in `slot` (valid until the table next changes its keys), updated in place.
    package subscript(slot slot: Int) -> Value {
        get { entries[slot].value }
        _modify { yield &entries[slot].value }
    }

    /// The value of `key`; setting nil removes it.
    package subscript(key: UUIDKey) -> Value? {
        get { slot(of: key).map { entries[$0].value } }
        set {
            if let newValue {
                insert(key, newValue)
            } else {
                _ = remove(key)
            }
        }
    }

    /// Stores `value` under `key`, replacing the value it had.
    /// - Returns: true when the key was new.
    @discardableResult
    package mutating func insert(_ key: UUIDKey, _ value: Value) -> Bool {
        switch find(key) {
        case .found(_, let slot):
            entries[slot].value = value
            return false
        case .empty(let bucket):
            if (entries.count + 1) * 4 > index.count * 3 {
                entries.append((key, value))
                rebuildIndex(minimumCount: entries.count)
            } else {
                index[bucket] = Int32(entries.count + 1)
                entries.append((key, value))
            }
            return true
        }
    }

    /// Takes `key` out and returns its value; nil if it is not tracked.
    package mutating func remove(_ key: UUIDKey) -> Value? {
        guard case .found(let bucket, let slot) = find(key) else { return nil }
        return remove(bucket: bucket, slot: slot)
    }

    /// Takes out the value in `slot` (the last one moves into it) and returns it.
    package mutating func remove(slot: Int) -> Value {
        guard case .found(let bucket, _) = find(entries[slot].key) else {
            preconditionFailure("DenseTable: slot \(slot) is not indexed")
        }
        return remove(bucket: bucket, slot: slot)
    }

    /// Makes room for `count` values at once: the array then never doubles past what
    /// the caller expects (its spare room was up to 30 % of a load run's legs), and the
    /// index is not rebuilt while they come (it takes 4 to 8 bytes a value).
    package mutating func reserveCapacity(_ count: Int) {
        entries.reserveCapacity(count)
        if count * 4 > index.count * 3 { rebuildIndex(minimumCount: count) }
    }

    /// Forgets every value.
    package mutating func removeAll() {
        index = []
        entries = []
        shift = 64
    }

    // MARK: The index

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
        guard !index.isEmpty else { return .empty(bucket: 0) }
        return index.withUnsafeBufferPointer { index in
            let mask = index.count - 1
            var bucket = home(key)
            while true {
                let stored = Int(index[bucket])
                if stored == 0 { return .empty(bucket: bucket) }
                if entries[stored - 1].key == key { return .found(bucket: bucket, slot: stored - 1) }
                bucket = (bucket + 1) & mask
            }
        }
    }

    private mutating func remove(bucket: Int, slot: Int) -> Value {
        // Backward shift: a later entry of the same run of buckets moves into the hole
        // unless its home lies after the hole (it would no longer be found).
        let mask = index.count - 1
        var hole = bucket
        var next = (bucket + 1) & mask
        while index[next] != 0 {
            let home = home(entries[Int(index[next]) - 1].key)
            if (next - home) & mask >= (next - hole) & mask {
                index[hole] = index[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        index[hole] = 0
        // The last entry moves into the freed slot; its bucket follows it.
        let value = entries[slot].value
        let lastSlot = entries.count - 1
        if slot != lastSlot, case .found(let moved, _) = find(entries[lastSlot].key) {
            index[moved] = Int32(slot + 1)
            entries.swapAt(slot, lastSlot)
        }
        entries.removeLast()
        return value
    }

    /// A new index of at least 16 buckets, at most 75 % full with `minimumCount`
    /// values, holding every entry.
    private mutating func rebuildIndex(minimumCount: Int) {
        var buckets = 16
        while minimumCount * 4 > buckets * 3 { buckets *= 2 }
        shift = 64 - buckets.trailingZeroBitCount
        var fresh = [Int32](repeating: 0, count: buckets)
        let mask = buckets - 1
        for slot in entries.indices {
            var bucket = home(entries[slot].key)
            while fresh[bucket] != 0 { bucket = (bucket + 1) & mask }
            fresh[bucket] = Int32(slot + 1)
        }
        index = fresh
    }
}

extension DenseTable: Sendable where Value: Sendable {}

/// The tracker's legs.
typealias LegTable = DenseTable<Session>
