/// Values by ``UUIDKey``, stored densely: a ``UUIDIndex`` of the keys and the values in
/// an array beside it, in the same slots (removing one moves the last into its slot).
/// The listener's legs (``LegTable``) and calls. Another module keeps its own values
/// beside a ``UUIDIndex`` rather than using this generic table (see there).
struct DenseTable<Value> {
    private var index = UUIDIndex()
    private var valueList: [Value] = []

    /// The values stored.
    var count: Int { index.count }
    var isEmpty: Bool { index.count == 0 }
    /// Every value, in no particular order.
    var values: [Value] { valueList }
    /// Every key, in no particular order.
    var keys: [UUIDKey] { index.keys }

    /// The slot of `key`, for ``subscript(slot:)``; nil if it is not tracked.
    func slot(of key: UUIDKey) -> Int? { index.slot(of: key) }

    /// The key in `slot`.
    func key(at slot: Int) -> UUIDKey { index.key(at: slot) }

    /// The value in `slot` (valid until the table next changes its keys), updated in place.
    subscript(slot slot: Int) -> Value {
        get { valueList[slot] }
        _modify { yield &valueList[slot] }
    }

    /// The value of `key`; setting nil removes it.
    subscript(key: UUIDKey) -> Value? {
        get { index.slot(of: key).map { valueList[$0] } }
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
    mutating func insert(_ key: UUIDKey, _ value: Value) -> Bool {
        let (slot, inserted) = index.insert(key)
        if inserted { valueList.append(value) } else { valueList[slot] = value }
        return inserted
    }

    /// Takes `key` out and returns its value; nil if it is not tracked.
    mutating func remove(_ key: UUIDKey) -> Value? {
        index.slot(of: key).map { remove(slot: $0) }
    }

    /// Takes out the value in `slot` (the last one moves into it) and returns it.
    mutating func remove(slot: Int) -> Value {
        index.remove(slot: slot)
        valueList.swapAt(slot, valueList.count - 1)
        return valueList.removeLast()
    }

    /// Makes room for `count` values at once: the array then never doubles past what
    /// the caller expects (its spare room was up to 30 % of a load run's legs), nor is
    /// the index rebuilt.
    mutating func reserveCapacity(_ count: Int) {
        index.reserveCapacity(count)
        valueList.reserveCapacity(count)
    }

    /// Forgets every value.
    mutating func removeAll() {
        index.removeAll()
        valueList = []
    }
}

extension DenseTable: Sendable where Value: Sendable {}

/// The tracker's legs.
typealias LegTable = DenseTable<Session>
