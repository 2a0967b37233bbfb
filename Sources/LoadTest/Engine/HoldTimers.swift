import Switchy
import Synchronization

/// The hold timers of a run: when each answered call is due to be hung up.
///
/// One ``RunTimer`` of the run clock, armed at the earliest deadline, and a binary heap
/// of (deadline, call) under one lock: no thread or task per call, O(log n) to add a
/// call and to take the next one, so 100,000 held calls cost a heap of 100,000 small
/// entries. When the timer fires, every entry due by then is taken out and handed to
/// `onDue` (on the timer's thread, outside the lock), and the timer is re-armed at the
/// next deadline.
///
/// Cancelling is lazy: ``cancel(_:)`` forgets the call's current entry (a generation id
/// per call), the entry stays in the heap and is skipped when it comes up. When skipped
/// entries outnumber live ones the heap is rebuilt from the live ones, so memory
/// follows the calls held now, never the calls that ended.
final class HoldTimers: Sendable {
    /// A call whose hold is over.
    struct Due: Sendable, Equatable {
        /// The slave's index in the run's links.
        var slave: Int
        /// The call's uuid, as 128 bits when it is a canonical one (no `String` kept).
        var key: UUIDKey

        init(slave: Int, callUUID: String) {
            self.slave = slave
            key = UUIDKey(callUUID)
        }

        var callUUID: String { key.text }
    }

    /// How much later than the hold the server's own hangup (`sched_hangup`, the safety
    /// net for a generator that dies or a `uuid_kill` that goes astray) comes: 5 s,
    /// less when `lost_after` is shorter (down to 1 s), so that the ledger's lost bound
    /// (sent + `originate_timeout` + hold + `lost_after`) still comes after it.
    static func safetyMarginSeconds(lostAfter: Double) -> Int {
        max(1, min(5, Int(lostAfter.rounded(.down)) - 1))
    }

    private let clock: any RunClock
    private let onDue: @Sendable (Due, _ now: Int64) -> Void
    private let state = Mutex(State())
    /// Set once, just after init (the timer's handler refers to this object).
    private let timer = Mutex<(any RunTimer)?>(nil)

    fileprivate struct Entry {
        var deadline: Int64
        var id: UInt64
        var due: Due
        var key: UUIDKey { due.key }
    }

    fileprivate struct State {
        var heap: [Entry] = []
        /// The id of each call's live entry, by the call's key: `liveIDs[slot]` is the
        /// id of the key in `live`'s `slot`.
        var live = UUIDIndex()
        var liveIDs: [UInt64] = []
        var nextID: UInt64 = 0
        /// The deadline the timer is armed at, if it is.
        var armedAt: Int64?
        var stopped = false
    }

    /// - Parameters:
    ///   - reserving: the calls expected to be held at once at most: the heap is sized
    ///     for them once (its memory is not touched until used).
    ///   - onDue: called once for each call whose deadline has come (not for a
    ///     cancelled one), on the timer's thread, with the clock's time then.
    init(clock: any RunClock, reserving: Int = 0, onDue: @escaping @Sendable (Due, _ now: Int64) -> Void) {
        self.clock = clock
        self.onDue = onDue
        if reserving > 0 { state.withLock { $0.heap.reserveCapacity(reserving) } }
        let made = clock.makeTimer { [weak self] in self?.fire() }
        timer.withLock { $0 = made }
    }

    deinit {
        timer.withLock { $0 }?.cancel()
    }

    /// Hangs up `uuid` (on slave `slave`) at `deadline` (ns of the run clock; at once if
    /// it has passed). Scheduling a call again replaces its deadline.
    func schedule(_ uuid: String, slave: Int, at deadline: Int64) {
        state.withLock { state in
            guard !state.stopped else { return }
            state.nextID += 1
            let due = Due(slave: slave, callUUID: uuid)
            state.setLive(due.key, id: state.nextID)
            state.push(Entry(deadline: deadline, id: state.nextID, due: due))
            state.compactIfMostlyDead()
            if state.armedAt.map({ deadline < $0 }) ?? true {
                state.armedAt = deadline
                // Armed under the lock, so that a fire re-arming at a later deadline
                // cannot overwrite this earlier one.
                timer.withLock { $0 }?.arm(at: deadline)
            }
        }
    }

    /// Forgets the call's timer (it ended, or the run no longer holds it).
    func cancel(_ uuid: String) {
        state.withLock { state in
            if let slot = state.live.slot(of: UUIDKey(uuid)) {
                state.removeLive(slot: slot)
                state.compactIfMostlyDead()
            }
        }
    }

    /// Drops every pending timer for good (the run is ending).
    func stop() {
        state.withLock { state in
            state.stopped = true
            state.heap = []
            state.live = UUIDIndex()
            state.liveIDs = []
            state.armedAt = nil
        }
        timer.withLock { $0 }?.cancel()
    }

    /// Calls still waiting for their deadline.
    var pendingCount: Int { state.withLock { $0.live.count } }

    /// Entries in the heap, cancelled ones not yet skipped included.
    var heapCount: Int { state.withLock { $0.heap.count } }

    private func fire() {
        let now = clock.now()
        let due = state.withLock { state -> [Due] in
            state.armedAt = nil
            var due: [Due] = []
            while let first = state.heap.first, first.deadline <= now {
                let entry = state.popFirst()
                if let slot = state.live.slot(of: entry.key), state.liveIDs[slot] == entry.id {
                    state.removeLive(slot: slot)
                    due.append(entry.due)
                }
            }
            // Cancelled entries at the head would only wake the timer for nothing.
            while let first = state.heap.first, !state.isLive(first) { _ = state.popFirst() }
            if !state.stopped, let next = state.heap.first?.deadline {
                state.armedAt = next
                timer.withLock { $0 }?.arm(at: next)
            }
            return due
        }
        for call in due { onDue(call, now) }
    }
}

extension HoldTimers.State {
    /// True when `entry` is its call's live one (not cancelled or replaced).
    fileprivate func isLive(_ entry: HoldTimers.Entry) -> Bool {
        live.slot(of: entry.key).map { liveIDs[$0] == entry.id } ?? false
    }

    /// Makes `id` the live entry of `key`.
    fileprivate mutating func setLive(_ key: UUIDKey, id: UInt64) {
        let (slot, inserted) = live.insert(key)
        if inserted { liveIDs.append(id) } else { liveIDs[slot] = id }
    }

    /// Forgets the live entry in `slot` (the last one moves into it, as in `live`).
    fileprivate mutating func removeLive(slot: Int) {
        live.remove(slot: slot)
        liveIDs.swapAt(slot, liveIDs.count - 1)
        liveIDs.removeLast()
    }

    fileprivate mutating func push(_ entry: HoldTimers.Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    fileprivate mutating func popFirst() -> HoldTimers.Entry {
        let first = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return first
    }

    /// Rebuilds the heap from the live entries when the dead ones are more than half
    /// (and more than a few): O(n), at most once per n cancellations.
    fileprivate mutating func compactIfMostlyDead() {
        guard heap.count > 64, heap.count > 2 * live.count else { return }
        // The index and ids only (not `self`, which holds the heap being changed).
        let (live, liveIDs) = (live, liveIDs)
        heap.removeAll { entry in live.slot(of: entry.key).map { liveIDs[$0] != entry.id } ?? true }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var smallest = left
            if left + 1 < heap.count, heap[left + 1].deadline < heap[left].deadline { smallest = left + 1 }
            guard heap[smallest].deadline < heap[parent].deadline else { return }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }
}
