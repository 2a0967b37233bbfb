import Foundation
import Synchronization

/// One listener's callback thread and the queue that feeds it: the reader thread puts
/// work here (an app's or a caller's callback, with what it needs), and the callback
/// thread runs it, one item at a time, in the order it was put.
///
/// **When the queue is full, nothing waits and nothing is dropped.** The queue has a
/// nominal `capacity`; an item put beyond it is still queued, and counted in
/// ``EventListener/Backlog/overflowed``. Blocking the reader instead would move the
/// backlog into FreeSWITCH, which drops events silently once its own queue for the
/// connection is full and may then freeze event delivery to every client of the
/// slave (esl-protocol.md §9); dropping here would lose call endings. Memory in this
/// process is the cheaper failure, and the one a run can see and report: the depth,
/// the high-water mark and the overflow count are in ``backlog``.
///
/// The thread starts with the first item and ends when ``stop()`` is called and the
/// queue is empty.
final class CallbackQueue: Sendable {
    typealias Item = @Sendable () -> Void

    let capacity: Int
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let name: String

    private struct State: ~Copyable {
        var items: [Entry] = []
        /// Items put and not yet run (those the thread has taken included).
        var depth = 0
        var highWater = 0
        var overflowed = 0
        var running = false
        var sleeping = false
        var stopped = false
    }

    /// An item, and whether it counts in the figures (a marker put by
    /// ``waitUntilRun()`` or ``runQueued()`` does not).
    private struct Entry {
        var run: Item
        var counted: Bool
    }

    init(capacity: Int, name: String) {
        precondition(capacity > 0, "a callback queue needs room for one item")
        self.capacity = capacity
        self.name = name
    }

    /// Queues `item` to run on the callback thread after everything queued before it.
    func put(_ item: @escaping Item) {
        put(Entry(run: item, counted: true))
    }

    /// Runs `item` after everything queued before it: at once, on this thread, when
    /// nothing is queued or running (the common case, without waking the callback
    /// thread), else queued like ``put(_:)``. Only for the thread that puts the items,
    /// so nothing can be queued between the check and the run.
    func runInOrder(_ item: @escaping Item) {
        let idle = state.withLock { $0.depth == 0 }
        if idle { item() } else { put(item) }
    }

    private func put(_ entry: Entry) {
        let (start, signal): (Bool, Bool) = state.withLock { state in
            state.items.append(entry)
            if entry.counted {
                if state.depth >= capacity { state.overflowed += 1 }
                state.depth += 1
                state.highWater = max(state.highWater, state.depth)
            }
            let start = !state.running && !state.stopped
            if start { state.running = true }
            let signal = state.sleeping
            if signal { state.sleeping = false }
            return (start, signal)
        }
        if start {
            let thread = Thread { [self] in run() }
            thread.name = name
            thread.start()
        }
        if signal { wake.signal() }
    }

    /// Lets the thread end once it has run what is queued.
    func stop() {
        let signal = state.withLock { state in
            state.stopped = true
            defer { state.sleeping = false }
            return state.sleeping
        }
        if signal { wake.signal() }
    }

    /// Waits until every item queued before this call has run.
    func waitUntilRun() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            put(Entry(run: { continuation.resume() }, counted: false))
        }
    }

    /// Blocks until every item queued before this call has run. Never call it from the
    /// callback thread.
    func runQueued() {
        let done = DispatchSemaphore(value: 0)
        put(Entry(run: { done.signal() }, counted: false))
        done.wait()
    }

    /// The queue's figures.
    var backlog: EventListener.Backlog {
        state.withLock { state in
            EventListener.Backlog(
                depth: state.depth, highWaterMark: state.highWater, capacity: capacity,
                overflowed: state.overflowed)
        }
    }

    private func run() {
        var batch: [Entry] = []
        while true {
            let exit: Bool = state.withLock { state in
                if state.items.isEmpty {
                    if state.stopped {
                        state.running = false
                        return true
                    }
                    state.sleeping = true
                    return false
                }
                swap(&batch, &state.items)
                return false
            }
            if exit { return }
            if batch.isEmpty {
                wake.wait()
                continue
            }
            var count = 0
            for entry in batch {
                entry.run()
                if entry.counted { count += 1 }
            }
            batch.removeAll(keepingCapacity: true)
            state.withLock { $0.depth -= count }
        }
    }
}
