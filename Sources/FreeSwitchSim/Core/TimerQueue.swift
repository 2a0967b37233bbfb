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
    /// Ids in `heap` that are still to run. Cancelling removes the id here (the entry
    /// stays in the heap until its deadline and is skipped then). It used to be a set
    /// of cancelled ids instead; a hangup cancels every timer its call ever had, most
    /// of which had run already, so their ids stayed in that set for good: a few
    /// per call, without bound over a long run.
    private var pending: Set<UInt64> = []

    /// Schedules `action` at `deadline` (µs); returns an id for ``cancel(_:)``.
    @discardableResult
    mutating func schedule(at deadline: Int64, _ action: @escaping () -> Void) -> UInt64 {
        nextOrder += 1
        let entry = Entry(deadline: deadline, order: nextOrder, id: nextOrder, action: action)
        heap.append(entry)
        siftUp(heap.count - 1)
        pending.insert(entry.id)
        return entry.id
    }

    /// Cancels an entry that has not run; an id that ran already is ignored.
    mutating func cancel(_ id: UInt64) { pending.remove(id) }

    /// Entries in the queue, cancelled ones included until their deadline.
    var count: Int { heap.count }

    /// Entries still to run (never more than ``count``).
    var pendingCount: Int { pending.count }

    /// The earliest deadline, if any.
    var nextDeadline: Int64? { heap.first?.deadline }

    /// Removes and returns the earliest entry due at `now`, skipping cancelled ones.
    mutating func popDue(now: Int64) -> Entry? {
        while let first = heap.first, first.deadline <= now {
            let entry = removeFirst()
            if pending.remove(entry.id) != nil { return entry }
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
