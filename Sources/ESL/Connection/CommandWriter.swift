import Dispatch
import Foundation
import Synchronization

/// The write side of one ``Connection``: commands go out in the order they were
/// submitted, and the caller never waits for the socket.
///
/// A command is written at once with a non-blocking `send` when nothing is queued
/// before it. What the socket does not take (the server stopped reading, or is slower
/// than we send) is queued, and the connection's writer thread writes the queue out,
/// oldest first. While anything is queued, later commands queue behind it, so the
/// bytes on the wire stay in submission order. The queue has no limit: refusing a
/// command would lose a call the scheduler has already counted, and blocking would
/// stall the scheduler's timer, so instead its depth, its high-water marks and the age
/// of its oldest command are exposed in ``backlog`` for the caller to report, and
/// each command's own wait is reported to its `written` callback.
///
/// The writer thread takes the whole queue in one swap (the caller's lock is never
/// held for longer than an append), copies up to ``stagingSize`` bytes of it into a
/// buffer of its own and writes that with non-blocking sends, waiting in `poll` for
/// room when the socket is full. A command counts as written when its last byte is
/// taken by the kernel; its `written` callback is then called on the writer thread,
/// with no lock held.
///
/// Locks: `submit` runs the caller's `admit` (which records the reply slot) under the
/// queue's lock, so slots and bytes are in the same order. The lock is never held
/// across a blocking call or a callback.
final class CommandWriter: Sendable {
    /// The most bytes the writer thread hands to one `send`.
    static let stagingSize = 64 * 1024

    private let fd: Int32
    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)

    private struct Queue: ~Copyable {
        /// Commands not yet taken by the writer thread, oldest first; the first may be
        /// partly written (from `offset`).
        var chunks: [Chunk] = []
        /// Commands accepted and not yet written (queued here or being written by the
        /// writer thread), and their bytes not yet written.
        var commands = 0
        var bytes = 0
        /// When the oldest command not yet written was submitted (uptime ns; 0: none).
        var oldestSubmittedAt: UInt64 = 0
        /// True while the writer thread owns the queue: it is set with the first
        /// queued command and cleared when the thread has written everything, so a
        /// command never overtakes one queued before it.
        var writing = false
        var stopped = false
        var highWaterCommands = 0
        var highWaterBytes = 0
        var deferred = 0
    }

    /// A command the socket did not take at once.
    private struct Chunk {
        var bytes: [UInt8]
        var offset: Int
        /// When it was submitted, uptime ns.
        var submittedAt: UInt64
        var written: (@Sendable (Int64) -> Void)?
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
    ///
    /// `written`, if given, is called once the command's last byte has been taken by
    /// the kernel, with the ns from this call until then: on this thread before
    /// `submit` returns when the socket took it at once, else later on the writer
    /// thread. It is not called for a refused command, nor for one still queued when
    /// the connection ends.
    /// - Returns: `admit`'s refusal, if any.
    func submit(_ bytes: [UInt8], written: (@Sendable (Int64) -> Void)? = nil, admit: () -> ESLError?) -> ESLError? {
        let submittedAt = DispatchTime.now().uptimeNanoseconds
        var signal = false
        var writtenNow = false
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
                if offset == bytes.count {
                    writtenNow = true
                    return nil
                }
            }
            queue.chunks.append(Chunk(bytes: bytes, offset: offset, submittedAt: submittedAt, written: written))
            if queue.commands == 0 { queue.oldestSubmittedAt = submittedAt }
            queue.commands += 1
            queue.bytes += bytes.count - offset
            queue.deferred += 1
            queue.highWaterCommands = max(queue.highWaterCommands, queue.commands)
            queue.highWaterBytes = max(queue.highWaterBytes, queue.bytes)
            if !queue.writing {
                queue.writing = true
                signal = true
            }
            return nil
        }
        if signal { wake.signal() }
        if writtenNow, let written { written(Int64(DispatchTime.now().uptimeNanoseconds &- submittedAt)) }
        return refused
    }

    /// Drops what is queued and lets the writer thread end. Call after shutting the
    /// socket down, so a write in progress fails at once.
    func stop() {
        queue.withLock { queue in
            queue.stopped = true
            queue.chunks = []
            queue.commands = 0
            queue.bytes = 0
            queue.oldestSubmittedAt = 0
        }
        wake.signal()
    }

    /// What is waiting to be written.
    var backlog: Connection.WriteBacklog {
        let now = DispatchTime.now().uptimeNanoseconds
        return queue.withLock { queue in
            Connection.WriteBacklog(
                commands: queue.commands, bytes: queue.bytes,
                oldestWaitNanoseconds: queue.commands > 0 ? Int64(now &- queue.oldestSubmittedAt) : 0,
                highWaterCommands: queue.highWaterCommands, highWaterBytes: queue.highWaterBytes,
                deferredCommands: queue.deferred)
        }
    }

    // MARK: - The writer thread

    /// Commands taken from the queue: their bytes are copied into `staging` in order,
    /// and each is done once `sent` passes its end.
    private struct Batch {
        var chunks: [Chunk] = []
        /// The next chunk whose bytes are not all in `staging` yet, and how many of its
        /// bytes are.
        var nextToStage = 0
        var stagedOfNext = 0
        /// Chunks before this one are written and accounted for.
        var firstUnwritten = 0
        /// Bytes to send; `sent` of them are taken by the kernel.
        var staging: [UInt8] = []
        var sent = 0
        /// For each chunk in `staging`, the `staging` offset its last byte ends at.
        var ends: [Int] = []

        var isEmpty: Bool { firstUnwritten == chunks.count }
    }

    private func run() {
        var batch = Batch()
        batch.staging.reserveCapacity(Self.stagingSize)
        while true {
            wake.wait()
            guard drain(&batch) else { return }
        }
    }

    /// Writes until the queue is empty; false when the writer must end (stopped, or
    /// the socket failed).
    private func drain(_ batch: inout Batch) -> Bool {
        while true {
            if batch.isEmpty {
                let taken: [Chunk]? = queue.withLock { queue in
                    if queue.stopped { return nil }
                    if queue.chunks.isEmpty { queue.writing = false }
                    return queue.chunks.isEmpty ? [] : Self.take(&queue.chunks)
                }
                guard let taken else { return false }
                if taken.isEmpty { return true }
                batch = Batch(chunks: taken, staging: batch.staging)
                batch.staging.removeAll(keepingCapacity: true)
            }
            stage(&batch)
            let count: Int
            do throws(POSIXError) {
                let sent = batch.sent
                count = try batch.staging.withUnsafeBytes { raw in
                    Result { () throws(POSIXError) in try POSIXSocket.writeNow(fd, UnsafeRawBufferPointer(rebasing: raw[sent...])) }
                }.get()
            } catch {
                POSIXSocket.shutdown(fd)
                return false
            }
            if count == 0 {
                guard POSIXSocket.waitUntilWritable(fd) else {
                    POSIXSocket.shutdown(fd)
                    return false
                }
                continue
            }
            batch.sent += count
            guard finishWritten(&batch, bytes: count) else { return false }
        }
    }

    /// Moves the chunks out of the queue, leaving it empty with its capacity.
    private static func take(_ chunks: inout [Chunk]) -> [Chunk] {
        var taken: [Chunk] = []
        taken.reserveCapacity(chunks.count)
        swap(&taken, &chunks)
        return taken
    }

    /// Tops `staging` up to ``stagingSize`` with the bytes of the next chunks, after
    /// dropping what was sent.
    private func stage(_ batch: inout Batch) {
        if batch.sent > 0, batch.sent == batch.staging.count {
            batch.staging.removeAll(keepingCapacity: true)
            batch.ends.removeAll(keepingCapacity: true)
            batch.sent = 0
        }
        while batch.nextToStage < batch.chunks.count, batch.staging.count < Self.stagingSize {
            let chunk = batch.chunks[batch.nextToStage]
            let start = chunk.offset + batch.stagedOfNext
            let take = min(chunk.bytes.count - start, Self.stagingSize - batch.staging.count)
            batch.staging.append(contentsOf: chunk.bytes[start..<start + take])
            batch.stagedOfNext += take
            if start + take == chunk.bytes.count {
                batch.ends.append(batch.staging.count)
                batch.nextToStage += 1
                batch.stagedOfNext = 0
            }
        }
    }

    /// Accounts for `bytes` more taken by the kernel, and calls the `written` callback
    /// of each command now fully written. False when the writer was stopped meanwhile.
    private func finishWritten(_ batch: inout Batch, bytes: Int) -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        // `ends` holds the staged chunks from `firstUnwritten` on, in order.
        var done = 0
        while done < batch.ends.count, batch.ends[done] <= batch.sent { done += 1 }
        let finished = batch.chunks[batch.firstUnwritten..<batch.firstUnwritten + done]
        batch.ends.removeFirst(done)
        batch.firstUnwritten += done
        let next = batch.firstUnwritten < batch.chunks.count ? batch.chunks[batch.firstUnwritten].submittedAt : nil
        let running: Bool = queue.withLock { queue in
            guard !queue.stopped else { return false }
            queue.bytes -= bytes
            queue.commands -= done
            queue.oldestSubmittedAt = next ?? queue.chunks.first?.submittedAt ?? 0
            return true
        }
        guard running else { return false }
        for chunk in finished { chunk.written?(Int64(now &- chunk.submittedAt)) }
        return true
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
