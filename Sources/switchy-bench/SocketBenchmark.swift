#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import ESL
import Foundation
import Switchy
import Synchronization

/// `socket_events_per_s`: the capture stream served by a loopback TCP peer and consumed
/// by `Connection` + `EventListener` (socket → decoder → `Event` → call tracking);
/// `socket_vs_raw`: the same against a client that only reads and frames.
enum SocketBenchmark {
    /// Returns events/s, from the peer's first byte of events until the listener has
    /// handled the last one and seen the end of the stream.
    static func run(_ stream: CaptureStream) async throws -> Double {
        let peer = try StreamPeer(stream: stream)
        defer { peer.close() }
        let listener = EventListener(host: "127.0.0.1", port: peer.port, password: "ClueCon", keepVariables: false)
        let finished = Finished()
        listener.onDisconnect { _ in finished.signal() }
        try await listener.connect()
        try listener.start()
        await finished.wait()
        guard let started = peer.startedAt else { throw BenchError("socket: the peer never started") }
        let seconds = Double(Clock.nanoseconds() - started) / 1e9
        let handled = listener.eventsHandled
        guard handled == stream.eventCount else {
            throw BenchError("socket: \(handled) events handled of \(stream.eventCount)")
        }
        return Double(handled) / seconds
    }

    /// What `switchy events --stats` does (framing and decoding, no tracking): the
    /// same peer and stream, read by a bare `Connection` that counts its events.
    /// Returns events/s, timed as ``run(_:)`` is.
    static func runConnectionOnly(_ stream: CaptureStream) async throws -> Double {
        let peer = try StreamPeer(stream: stream)
        defer { peer.close() }
        let counted = Atomic<Int>(0)
        let finished = Finished()
        let connection = try await Connection.connect(
            host: "127.0.0.1", port: peer.port, password: "ClueCon",
            onEvent: { _ in counted.add(1, ordering: .relaxed) }, onClose: { _ in finished.signal() })
        for _ in 0..<StreamPeer.commandsBeforeStreaming { _ = try await connection.send(.event(.plain, ["ALL"])) }
        await finished.wait()
        guard let started = peer.startedAt else { throw BenchError("connection: the peer never started") }
        let seconds = Double(Clock.nanoseconds() - started) / 1e9
        let events = counted.load(ordering: .relaxed)
        guard events == stream.eventCount else {
            throw BenchError("connection: \(events) events of \(stream.eventCount)")
        }
        return Double(events) / seconds
    }

    /// The baseline of `socket_vs_raw`: the same peer and stream, read by a client that
    /// does blocking `read()`s into a 256 KB buffer and only frames what it reads, with
    /// ``DecodeBenchmark/scanFrames(_:)``'s `memchr` search (no `Event`, no tracking).
    /// Returns events/s, timed as ``run(_:)`` is.
    static func runRaw(_ stream: CaptureStream) throws -> Double {
        let peer = try StreamPeer(stream: stream)
        defer { peer.close() }
        let fd = try POSIXSocket.connect(host: "127.0.0.1", port: peer.port, timeout: 5)
        defer { POSIXSocket.close(fd) }
        // `auth` and the listener's five subscription commands, each answered +OK.
        let commands = Array(repeating: "auth ClueCon\n\n", count: 1 + StreamPeer.commandsBeforeStreaming).joined()
        try POSIXSocket.writeAll(fd, Array(commands.utf8))
        let capacity = 256 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity + stream.largestFrame, alignment: 16)
        defer { buffer.deallocate() }
        var filled = 0
        var frames = 0
        while true {
            let count = try POSIXSocket.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<filled + capacity]))
            if count == 0 { break }
            filled += count
            let (complete, used) = DecodeBenchmark.scanCompleteFrames(UnsafeRawBufferPointer(rebasing: buffer[0..<filled]))
            frames += complete
            // Keep the partial frame at the front for the next read.
            if used > 0 {
                buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + used, byteCount: filled - used)
                filled -= used
            }
        }
        guard let started = peer.startedAt else { throw BenchError("raw socket: the peer never started") }
        let seconds = Double(Clock.nanoseconds() - started) / 1e9
        // The greeting and the six +OK replies are frames too.
        let events = frames - 2 - StreamPeer.commandsBeforeStreaming
        guard events == stream.eventCount else {
            throw BenchError("raw socket: \(events) events framed of \(stream.eventCount)")
        }
        return Double(events) / seconds
    }
}

/// A one-shot ESL server: greets, accepts `auth`, answers every command `+OK` until
/// the listener has subscribed and set its filters, then writes the whole stream and
/// closes.
final class StreamPeer: Sendable {
    let port: Int
    private let listenFD: Int32
    private let started = Mutex<Int64?>(nil)

    /// Commands the listener sends before it starts reading events: `event plain …`
    /// and its five filters (after `auth`). Since the listener also filters SHUTDOWN
    /// (five filters, not four) a count of 5 made the peer stream before the last
    /// filter's reply, and every socket run ended "connection closed by the server".
    static let commandsBeforeStreaming = 6

    init(stream: CaptureStream) throws {
        let (fd, port) = try POSIXSocket.listen(host: "127.0.0.1", port: 0, backlog: 1)
        self.listenFD = fd
        self.port = port
        let thread = Thread { [self] in serve(stream) }
        thread.name = "bench-peer"
        thread.start()
    }

    /// When the first byte of events was written (monotonic ns).
    var startedAt: Int64? { started.withLock { $0 } }

    func close() {
        POSIXSocket.shutdown(listenFD)
        POSIXSocket.close(listenFD)
    }

    private func serve(_ stream: CaptureStream) {
        guard let fd = POSIXSocket.accept(listenFD) else { return }
        defer { POSIXSocket.close(fd) }
        do {
            try POSIXSocket.writeAll(fd, Array("Content-Type: auth/request\n\n".utf8))
            var commands = 0
            var pending: [UInt8] = []
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
            defer { chunk.deallocate() }
            let ok = Array("Content-Type: command/reply\nReply-Text: +OK\n\n".utf8)
            // `auth` plus the subscription commands, each answered +OK.
            while commands < 1 + Self.commandsBeforeStreaming {
                let count = try POSIXSocket.read(fd, into: chunk)
                if count == 0 { return }
                pending.append(contentsOf: chunk[0..<count])
                while let end = Self.blankLine(in: pending) {
                    pending.removeFirst(end + 2)
                    commands += 1
                    try POSIXSocket.writeAll(fd, ok)
                }
            }
            started.withLock { $0 = Clock.nanoseconds() }
            let complete = stream.bytes.withUnsafeBytes { raw -> Bool in
                var offset = 0
                while offset < raw.count {
                    let written = send(fd, raw.baseAddress! + offset, min(raw.count - offset, 1 << 20), Int32(MSG_NOSIGNAL))
                    if written < 0 {
                        if errno == EINTR { continue }
                        return false
                    }
                    offset += written
                }
                return true
            }
            guard complete else { return }
            _ = Glibc.shutdown(fd, Int32(SHUT_WR))
            // Wait for the client to close its side, so the stream is read to the end.
            while try POSIXSocket.read(fd, into: chunk) > 0 {}
        } catch {
            return
        }
    }

    private static func blankLine(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        for index in 0..<(bytes.count - 1) where bytes[index] == 0x0A && bytes[index + 1] == 0x0A { return index }
        return nil
    }
}

/// A one-shot signal an async caller can wait for.
final class Finished: Sendable {
    private let state = Mutex<(done: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.done = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                if !state.done { state.waiter = continuation }
                return state.done
            }
            if done { continuation.resume() }
        }
    }
}
