/// The tracker's legs by key, stored densely: a dictionary from key to a slot, and the
/// slots in one array, kept without holes (removing a leg moves the last one into its
/// slot).
///
/// A `Session` takes about 200 bytes. In a plain `[UUIDKey: Session]` every bucket
/// holds one, and a dictionary's buckets are 1⅓ to 2⅔ times its count, so the empty
/// ones cost up to 330 bytes per leg in flight; here they hold a key and an `Int32`
/// only, and the array's spare room is at most its count.
struct LegTable {
    private var slots: [UUIDKey: Int32] = [:]
    private var entries: [(key: UUIDKey, session: Session)] = []

    /// The legs tracked.
    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }
    /// Every leg, in no particular order.
    var values: [Session] { entries.map(\.session) }
    /// Every key, in no particular order.
    var keys: [UUIDKey] { entries.map(\.key) }

    /// The slot of `key`, for ``subscript(slot:)``; nil if it is not tracked.
    func slot(of key: UUIDKey) -> Int? { slots[key].map(Int.init) }

    /// The leg in `slot` (valid until the table next changes its keys), updated in place.
    subscript(slot slot: Int) -> Session {
        get { entries[slot].session }
        _modify { yield &entries[slot].session }
    }

    /// The leg `key`; setting nil removes it.
    subscript(key: UUIDKey) -> Session? {
        get { slots[key].map { entries[Int($0)].session } }
        set {
            if let newValue {
                if let slot = slots[key] {
                    entries[Int(slot)].session = newValue
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

    /// Makes room for `count` legs at once: the array then never doubles past what
    /// the caller expects (its spare room was up to 30 % of a load run's legs). The
    /// key index is left to grow: a dictionary reserved ahead touches all its buckets.
    mutating func reserveCapacity(_ count: Int) {
        entries.reserveCapacity(count)
    }

    /// Forgets every leg.
    mutating func removeAll() {
        slots = [:]
        entries = []
    }
}
