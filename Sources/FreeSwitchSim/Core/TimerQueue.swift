/// The simulated core's pending timed actions (answers, ring timeouts, scheduled
/// hangups, heartbeats), ordered by deadline, ties in insertion order.
///
/// Not thread-safe: it lives inside ``SwitchCore`` and is used under its lock.
struct TimerQueue {
    struct Entry {
        let deadline: Int64
        let order: UInt64
        let id: UInt64
        let action: () -> Void
    }

    private var heap: [Entry] = []
    private var nextOrder: UInt64 = 0
    private var cancelled: Set<UInt64> = []

    /// Schedules `action` at `deadline` (µs); returns an id for ``cancel(_:)``.
    @discardableResult
    mutating func schedule(at deadline: Int64, _ action: @escaping () -> Void) -> UInt64 {
        nextOrder += 1
        let entry = Entry(deadline: deadline, order: nextOrder, id: nextOrder, action: action)
        heap.append(entry)
        siftUp(heap.count - 1)
        return entry.id
    }

    mutating func cancel(_ id: UInt64) { cancelled.insert(id) }

    /// The earliest deadline, if any.
    var nextDeadline: Int64? { heap.first?.deadline }

    /// Removes and returns the earliest entry due at `now`, skipping cancelled ones.
    mutating func popDue(now: Int64) -> Entry? {
        while let first = heap.first, first.deadline <= now {
            let entry = removeFirst()
            if cancelled.remove(entry.id) == nil { return entry }
        }
        return nil
    }

    private func less(_ a: Entry, _ b: Entry) -> Bool {
        a.deadline != b.deadline ? a.deadline < b.deadline : a.order < b.order
    }

    private mutating func removeFirst() -> Entry {
        let first = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return first
    }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, less(heap[left], heap[smallest]) { smallest = left }
            if right < heap.count, less(heap[right], heap[smallest]) { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
