import Dispatch
import Synchronization

/// The one serial path from closed calls to the ``RecordSink``s.
///
/// ``add(_:)`` only appends to a buffer (one short lock, no sink work) and, when the
/// buffer was idle, schedules a drain on a serial dispatch queue ``coalescing`` later
/// (so that at a thousand calls a second the queue's thread wakes a hundred times, not
/// a thousand, for batches of ten records); that queue alone calls the sinks, in the
/// order the records were added. A progress snapshot, the finish and a barrier are
/// drained at once, with every record added before them. So closing a call never
/// waits for CSV formatting or a histogram, and a slow sink only makes the buffer
/// grow: its depth and high-water mark are counted (summary.json, `generator`).
///
/// ``delivered()`` is a barrier: it returns once everything added before it has
/// reached every sink.
public final class RecordQueue: Sendable {
    private let sinks: [any RecordSink]
    private let queue = DispatchQueue(label: "switchy.records", qos: .utility)
    private let pending = Mutex(Pending())
    private let queued = Atomic<Int>(0)
    private let highWater = Atomic<Int>(0)

    /// How long a record may wait in the buffer for others to join it.
    static let coalescing = DispatchTimeInterval.milliseconds(10)

    private enum Item {
        case record(CallRecord)
        case progress(LoadRun.Progress)
        case finish
        case barrier(@Sendable () -> Void)
    }

    private struct Pending {
        var items: [Item] = []
        /// A drain is scheduled to run at once, or running.
        var draining = false
        /// A drain is scheduled ``RecordQueue/coalescing`` after a record.
        var delayed = false
    }

    public init(sinks: [any RecordSink]) {
        self.sinks = sinks
    }

    /// Records added and not yet through every sink.
    public var depth: Int { queued.load(ordering: .relaxed) }

    /// The largest ``depth`` seen.
    public var highWaterMark: Int { highWater.load(ordering: .relaxed) }

    /// Queues a finished call for the sinks; returns at once.
    public func add(_ record: CallRecord) {
        let depth = queued.add(1, ordering: .relaxed).newValue
        _ = highWater.max(depth, ordering: .relaxed)
        enqueue(.record(record))
    }

    /// Queues a per-second snapshot: the sinks get it, then ``RecordSink/flush()``.
    public func progress(_ snapshot: LoadRun.Progress) { enqueue(.progress(snapshot)) }

    /// Queues the end: the sinks' ``RecordSink/finish()``.
    public func finish() { enqueue(.finish) }

    /// Returns once everything queued so far has been through every sink.
    public func delivered() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            enqueue(.barrier { continuation.resume() })
        }
    }

    /// ``delivered()`` for a caller that is not async (blocks the calling thread).
    public func waitUntilDelivered() {
        let done = DispatchSemaphore(value: 0)
        enqueue(.barrier { done.signal() })
        done.wait()
    }

    private func enqueue(_ item: Item) {
        let isRecord = if case .record = item { true } else { false }
        let (now, later) = pending.withLock { pending -> (Bool, Bool) in
            pending.items.append(item)
            if pending.draining { return (false, false) }
            if isRecord {
                if pending.delayed { return (false, false) }
                pending.delayed = true
                return (false, true)
            }
            pending.draining = true
            return (true, false)
        }
        if now { queue.async { self.drain() } }
        if later {
            queue.asyncAfter(deadline: .now() + Self.coalescing) {
                let run = self.pending.withLock { pending in
                    pending.delayed = false
                    if pending.draining { return false }
                    pending.draining = true
                    return true
                }
                if run { self.drain() }
            }
        }
    }

    /// Runs on `queue`: delivers batches until the buffer is empty.
    private func drain() {
        while true {
            let batch: [Item] = pending.withLock { pending in
                if pending.items.isEmpty { pending.draining = false }
                defer { pending.items = [] }
                return pending.items
            }
            if batch.isEmpty { return }
            for item in batch { deliver(item) }
        }
    }

    private func deliver(_ item: Item) {
        switch item {
        case .record(let record):
            for sink in sinks { sink.add(record) }
            queued.subtract(1, ordering: .relaxed)
        case .progress(let snapshot):
            for sink in sinks {
                sink.progress(snapshot)
                sink.flush()
            }
        case .finish:
            for sink in sinks { sink.finish() }
        case .barrier(let resume):
            resume()
        }
    }
}
