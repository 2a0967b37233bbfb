import Dispatch
import Foundation
import Synchronization

/// The write side of one ``Connection``: commands go out in the order they were
/// submitted, and the caller never waits for the socket.
///
/// A command is written at once with a non-blocking `send` when nothing is queued
/// before it. What the socket does not take (the server stopped reading, or is slower
/// than we send) is queued, and the connection's writer thread writes the queue out
/// with blocking writes, oldest first. While anything is queued, later commands queue
/// behind it, so the bytes on the wire stay in submission order. The queue has no
/// limit: refusing a command would lose a call the scheduler has already counted,
/// and blocking would stall the scheduler's timer, so instead its depth, its
/// high-water marks and the age of its oldest command are exposed in ``backlog``
/// for the caller to report (a load run shows them as schedule lag).
///
/// Locks: `submit` runs the caller's `admit` (which records the reply slot) under the
/// queue's lock, so slots and bytes are in the same order. The lock is never held
/// across a blocking call: the writer thread writes a batch it has copied out.
final class CommandWriter: Sendable {
    private let fd: Int32
    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)

    private struct Queue: ~Copyable {
        /// Commands not yet handed to the kernel, oldest first; the first may be
        /// partly written (from `offset`).
        var chunks: [Chunk] = []
        var bytes = 0
        /// True while the writer thread owns the queue: it is set with the first
        /// queued command and cleared when the thread has emptied the queue, so a
        /// command never overtakes one queued before it.
        var writing = false
        var stopped = false
        var highWaterCommands = 0
        var highWaterBytes = 0
        var deferred = 0
    }

    private struct Chunk {
        var bytes: [UInt8]
        var offset: Int
        var enqueuedAt: UInt64
    }

    init(fd: Int32) {
        self.fd = fd
    }

    /// Starts the writer thread. `exit` is called on it once it no longer uses `fd`.
    func start(name: String, exit: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            run()
            exit()
        }
        thread.name = name
        thread.start()
    }

    /// Writes `bytes` now, or queues them for the writer thread; never waits for the
    /// socket. `admit` runs first, under the queue's lock: it returns an error to
    /// refuse the command (nothing is written then), or records whatever must be in
    /// wire order (a reply slot) and returns nil.
    /// - Returns: `admit`'s refusal, if any.
    func submit(_ bytes: [UInt8], admit: () -> ESLError?) -> ESLError? {
        var signal = false
        let refused: ESLError? = queue.withLock { queue in
            if let refusal = admit() { return refusal }
            // Stopped means the connection is ending: its reader fails the slot.
            guard !queue.stopped else { return nil }
            var offset = 0
            if !queue.writing {
                do {
                    offset = try POSIXSocket.writeNow(fd, bytes)
                } catch {
                    // The reader sees the broken socket and fails every pending request.
                    POSIXSocket.shutdown(fd)
                    return nil
                }
                if offset == bytes.count { return nil }
            }
            queue.chunks.append(Chunk(bytes: bytes, offset: offset, enqueuedAt: DispatchTime.now().uptimeNanoseconds))
            queue.bytes += bytes.count - offset
            queue.deferred += 1
            queue.highWaterCommands = max(queue.highWaterCommands, queue.chunks.count)
            queue.highWaterBytes = max(queue.highWaterBytes, queue.bytes)
            if !queue.writing {
                queue.writing = true
                signal = true
            }
            return nil
        }
        if signal { wake.signal() }
        return refused
    }

    /// Drops what is queued and lets the writer thread end. Call after shutting the
    /// socket down, so a write in progress fails at once.
    func stop() {
        queue.withLock { queue in
            queue.stopped = true
            queue.chunks = []
            queue.bytes = 0
        }
        wake.signal()
    }

    /// What is waiting to be written.
    var backlog: Connection.WriteBacklog {
        let now = DispatchTime.now().uptimeNanoseconds
        return queue.withLock { queue in
            Connection.WriteBacklog(
                commands: queue.chunks.count, bytes: queue.bytes,
                oldestWaitNanoseconds: queue.chunks.first.map { Int64(now &- $0.enqueuedAt) } ?? 0,
                highWaterCommands: queue.highWaterCommands, highWaterBytes: queue.highWaterBytes,
                deferredCommands: queue.deferred)
        }
    }

    private func run() {
        var batch: [UInt8] = []
        while true {
            wake.wait()
            while true {
                let taken: Int? = queue.withLock { queue in
                    if queue.stopped { return nil }
                    guard !queue.chunks.isEmpty else {
                        queue.writing = false
                        return 0
                    }
                    batch.removeAll(keepingCapacity: true)
                    for chunk in queue.chunks { batch.append(contentsOf: chunk.bytes[chunk.offset...]) }
                    return queue.chunks.count
                }
                guard let taken else { return }
                if taken == 0 { break }
                do {
                    try POSIXSocket.writeAll(fd, batch)
                } catch {
                    POSIXSocket.shutdown(fd)
                    return
                }
                queue.withLock { queue in
                    guard !queue.stopped else { return }
                    queue.bytes -= batch.count
                    queue.chunks.removeFirst(taken)
                }
            }
        }
    }
}

extension Connection {
    /// Commands accepted by ``Connection/send(_:completion:)`` (or the `async` form)
    /// that the socket has not taken yet: the sign of a server that reads its
    /// commands more slowly than they are sent.
    public struct WriteBacklog: Sendable, Equatable {
        /// Commands queued now (the first may be partly written).
        public var commands: Int
        /// Their bytes not yet written.
        public var bytes: Int
        /// How long the oldest queued command has waited, in ns (0 when none is).
        public var oldestWaitNanoseconds: Int64
        /// The most commands queued at once since the connection opened.
        public var highWaterCommands: Int
        /// The most bytes queued at once since the connection opened.
        public var highWaterBytes: Int
        /// Commands that could not be written at once, since the connection opened.
        public var deferredCommands: Int
    }
}
