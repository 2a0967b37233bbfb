/// The tracker's legs (``LegTable``) and calls by key, stored densely: a dictionary
/// from key to a slot, and the values in one array, kept without holes (removing one
/// moves the last into its slot).
///
/// A `Session` takes about 260 bytes, a call's entry about 60. In a plain
/// `[UUIDKey: Value]` every bucket holds one, and a dictionary's buckets are 1⅓ to 2⅔
/// times its count (25,000 calls take 65,536 buckets), so the empty ones cost up to
/// 1.7 values per entry; here they hold a key and an `Int32` only, and the array's
/// spare room is at most its count (none when reserved).
struct DenseTable<Value> {
    private var slots: [UUIDKey: Int32] = [:]
    private var entries: [(key: UUIDKey, value: Value)] = []

    /// The values stored.
    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }
    /// Every value, in no particular order.
    var values: [Value] { entries.map(\.value) }
    /// Every key, in no particular order.
    var keys: [UUIDKey] { entries.map(\.key) }

    /// The slot of `key`, for ``subscript(slot:)``; nil if it is not tracked.
    func slot(of key: UUIDKey) -> Int? { slots[key].map(Int.init) }

    /// The value in `slot` (valid until the table next changes its keys), updated in place.
    subscript(slot slot: Int) -> Value {
        get { entries[slot].value }
        _modify { yield &entries[slot].value }
    }

    /// The value of `key`; setting nil removes it.
    subscript(key: UUIDKey) -> Value? {
        get { slots[key].map { entries[Int($0)].value } }
        set {
            if let newValue {
                if let slot = slots[key] {
                    entries[Int(slot)].value = newValue
                } else {
                    slots[key] = Int32(entries.count)
                    entries.append((key, newValue))
                }
            } else if let slot = slots.removeValue(forKey: key).map(Int.init) {
                let last = entries.removeLast()
                if slot < entries.count {
                    entries[slot] = last
                    slots[last.key] = Int32(slot)
                }
            }
        }
    }

    /// Makes room for `count` values at once: the array then never doubles past what
    /// the caller expects (its spare room was up to 30 % of a load run's legs). The
    /// key index is left to grow: a dictionary reserved ahead touches all its buckets.
    mutating func reserveCapacity(_ count: Int) {
        entries.reserveCapacity(count)
    }

    /// Forgets every value.
    mutating func removeAll() {
        slots = [:]
        entries = []
    }
}

/// The tracker's legs.
typealias LegTable = DenseTable<Session>
