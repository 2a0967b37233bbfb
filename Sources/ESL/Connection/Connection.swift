import Foundation
import Synchronization

/// One inbound Event Socket connection: TCP, authentication, FIFO request/reply
/// matching and event delivery.
///
/// FreeSWITCH serves each connection on one thread and replies in command order
/// (esl-protocol.md §1.6), so replies are matched to requests strictly first in,
/// first out; events may arrive between any two replies. One reader thread per
/// connection does blocking reads, decodes frames, completes requests and hands each
/// event to `onEvent` **on that thread**, so a handler that keeps its own state needs
/// no lock, and must return quickly: a socket that is not read makes FreeSWITCH drop
/// events and then freeze event delivery for every client (§9).
///
/// Sending never waits for the socket: a command is written at once when the socket
/// takes it, else queued for the connection's writer thread (``CommandWriter``), in
/// order. ``writeBacklog`` shows what is queued, and ``send(_:written:completion:)``
/// how long each command waited.
///
/// When the connection ends (EOF, a socket error, a protocol violation, ``close()``),
/// every pending request fails with ``ESLError/disconnected(endpoint:reason:)`` (or
/// the violation) and `onClose` is called once. A disconnect notice is remembered as
/// the reason, but only EOF ends the connection: the notice can arrive split up by
/// events (§9).
public final class Connection: Sendable {
    /// Connection settings.
    public struct Options: Sendable {
        /// Seconds allowed for the TCP connect, and again for the greeting and `auth`.
        public var connectTimeout: Double = 5
        /// Largest frame accepted (see ``FrameDecoder/maximumFrameSize``).
        public var maximumFrameSize: Int = FrameDecoder.defaultMaximumFrameSize
        public init(connectTimeout: Double = 5, maximumFrameSize: Int = FrameDecoder.defaultMaximumFrameSize) {
            self.connectTimeout = connectTimeout
            self.maximumFrameSize = maximumFrameSize
        }
    }

    /// `host:port`, as given; used in every message (never the password).
    public let endpoint: String

    private let fd: Int32
    private let onEvent: @Sendable (Event) -> Void
    private let onClose: @Sendable (ESLError) -> Void
    private let state: Mutex<State>
    private let writer: CommandWriter
    /// The reader and the writer thread each hold the descriptor; the last to let go
    /// closes it, so its number is never reused under either of them.
    private let descriptorHolders = Atomic<Int>(2)

    private struct State: ~Copyable {
        var pending: [ReplyHandler] = []
        var head = 0
        var closed: ESLError?
        var notice: String?
        var closeRequested = false
    }

    /// Who waits for a reply: an `async` caller or a completion callback.
    private enum ReplyHandler: Sendable {
        case continuation(CheckedContinuation<Frame, any Error>)
        case callback(@Sendable (Result<Frame, ESLError>) -> Void)

        func complete(_ result: Result<Frame, ESLError>) {
            switch self {
            case .continuation(let continuation): continuation.resume(with: result.mapError { $0 as any Error })
            case .callback(let callback): callback(result)
            }
        }
    }

    private init(
        endpoint: String, fd: Int32, onEvent: @escaping @Sendable (Event) -> Void,
        onClose: @escaping @Sendable (ESLError) -> Void
    ) {
        self.endpoint = endpoint
        self.fd = fd
        self.onEvent = onEvent
        self.onClose = onClose
        self.state = Mutex(State())
        self.writer = CommandWriter(fd: fd)
    }

    /// Connects, authenticates and starts the reader thread.
    ///
    /// - Parameters:
    ///   - onEvent: called on the reader thread for each event, in wire order.
    ///   - onClose: called once, on the reader thread, when the connection has ended.
    /// - Throws: ``ESLError/connectionRefused(endpoint:)``,
    ///   ``ESLError/connectionTimedOut(endpoint:seconds:)``,
    ///   ``ESLError/unreachable(endpoint:reason:)``,
    ///   ``ESLError/authenticationFailed(endpoint:)``,
    ///   ``ESLError/rejectedByACL(endpoint:message:)`` or
    ///   ``ESLError/disconnected(endpoint:reason:)``.
    public static func connect(
        host: String, port: Int = 8021, password: String, options: Options = Options(),
        onEvent: @escaping @Sendable (Event) -> Void = { _ in },
        onClose: @escaping @Sendable (ESLError) -> Void = { _ in }
    ) async throws(ESLError) -> Connection {
        let result: Result<Connection, ESLError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    returning: Result { () throws(ESLError) in
                        try handshake(
                            host: host, port: port, password: password, options: options,
                            onEvent: onEvent, onClose: onClose)
                    })
            }
            thread.name = "esl-connect \(host):\(port)"
            thread.start()
        }
        return try result.get()
    }

    /// Sends a command and waits for its `command/reply` or `api/response`.
    /// - Throws: ``ESLError/disconnected(endpoint:reason:)`` when the connection ends
    ///   before the reply arrives (or had already ended).
    public func send(_ command: Command) async throws(ESLError) -> Frame {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                enqueueAndWrite(command.bytes, .continuation(continuation), written: nil)
            }
        } catch let error as ESLError {
            throw error
        } catch {
            throw .disconnected(endpoint: endpoint, reason: "\(error)")
        }
    }

    /// Sends a command and calls `completion` with its reply, on the reader thread (or at
    /// once, on this thread, if the connection has ended). Cheaper than the `async`
    /// form where thousands of commands a second are sent from a timer. Returns at
    /// once: a command the socket cannot take now waits in ``writeBacklog``.
    public func send(_ command: Command, completion: @escaping @Sendable (Result<Frame, ESLError>) -> Void) {
        enqueueAndWrite(command.bytes, .callback(completion), written: nil)
    }

    /// ``send(_:completion:)``, also telling how long the command waited in this
    /// process: `written` is called once its last byte has been taken by the kernel,
    /// with the ns from this call until then — on this thread before `send` returns
    /// when the socket took it at once (a few µs), else on the connection's writer
    /// thread once the backlog before it is written. It is not called for a command
    /// still queued when the connection ends (its reply fails then).
    public func send(
        _ command: Command, written: @escaping @Sendable (_ queuedNanoseconds: Int64) -> Void,
        completion: @escaping @Sendable (Result<Frame, ESLError>) -> Void
    ) {
        enqueueAndWrite(command.bytes, .callback(completion), written: written)
    }

    /// Closes the connection: pending requests fail, `onClose` runs on the reader thread.
    public func close() {
        state.withLock { state in
            // Under the lock: once `closed` is set the reader may close the descriptor,
            // and its number could then belong to another socket.
            guard state.closed == nil else { return }
            state.closeRequested = true
            POSIXSocket.shutdown(fd)
        }
    }

    /// True until the connection has ended.
    public var isOpen: Bool { state.withLock { $0.closed == nil } }

    /// Commands sent but not yet taken by the socket (none once it has ended).
    public var writeBacklog: WriteBacklog {
        writer.backlog
    }

    // MARK: - Writing

    private func enqueueAndWrite(_ bytes: [UInt8], _ handler: ReplyHandler, written: (@Sendable (Int64) -> Void)?) {
        // The slot is added under the writer's lock, so slots are in wire order.
        let refused = writer.submit(bytes, written: written) {
            state.withLock { state in
                if let closed = state.closed { return closed }
                state.pending.append(handler)
                return nil
            }
        }
        if let refused { handler.complete(.failure(refused)) }
    }

    private func releaseDescriptor() {
        if descriptorHolders.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { POSIXSocket.close(fd) }
    }

    // MARK: - Handshake

    private static func handshake(
        host: String, port: Int, password: String, options: Options,
        onEvent: @escaping @Sendable (Event) -> Void, onClose: @escaping @Sendable (ESLError) -> Void
    ) throws(ESLError) -> Connection {
        let endpoint = "\(host):\(port)"
        let fd = try POSIXSocket.connect(host: host, port: port, timeout: options.connectTimeout)
        var decoder = FrameDecoder(maximumFrameSize: options.maximumFrameSize)
        do throws(ESLError) {
            POSIXSocket.setReceiveTimeout(fd, seconds: options.connectTimeout)
            let greeting = try readFrame(fd, &decoder, endpoint: endpoint, timeout: options.connectTimeout)
            switch greeting.contentType {
            case .authRequest:
                break
            case .rudeRejection:
                throw ESLError.rejectedByACL(endpoint: endpoint, message: greeting.bodyText.trimmed)
            case .disconnectNotice:
                throw ESLError.disconnected(endpoint: endpoint, reason: greeting.bodyText.trimmed)
            default:
                throw ESLError.protocolViolation("\(endpoint) greeted with \(greeting.contentType), not auth/request")
            }
            let auth = try Command.auth(password: password)
            do {
                try POSIXSocket.writeAll(fd, auth.bytes)
            } catch {
                throw ESLError.disconnected(endpoint: endpoint, reason: error.description)
            }
            let reply = try readFrame(fd, &decoder, endpoint: endpoint, timeout: options.connectTimeout)
            guard reply.contentType == .commandReply, let text = reply.replyText else {
                throw ESLError.protocolViolation("\(endpoint) answered auth with \(reply.contentType)")
            }
            guard text.hasPrefix("+OK") else {
                throw text.hasPrefix("-ERR invalid")
                    ? ESLError.authenticationFailed(endpoint: endpoint)
                    : ESLError.protocolViolation("\(endpoint) answered auth with \"\(text)\"")
            }
            POSIXSocket.setReceiveTimeout(fd, seconds: 0)
        } catch {
            POSIXSocket.close(fd)
            throw error
        }
        let connection = Connection(endpoint: endpoint, fd: fd, onEvent: onEvent, onClose: onClose)
        connection.writer.start(name: "esl-writer \(endpoint)") { connection.releaseDescriptor() }
        let reader = Thread { [decoder] in connection.readLoop(decoder) }
        reader.name = "esl-reader \(endpoint)"
        reader.start()
        return connection
    }

    private static func readFrame(
        _ fd: Int32, _ decoder: inout FrameDecoder, endpoint: String, timeout: Double
    ) throws(ESLError) -> Frame {
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            if let frame = try decoder.next() { return frame }
            let count: Int
            do throws(POSIXError) {
                count = try POSIXSocket.read(fd, into: chunk)
            } catch {
                if error.isTimeout { throw .connectionTimedOut(endpoint: endpoint, seconds: timeout) }
                throw .disconnected(endpoint: endpoint, reason: error.description)
            }
            if count == 0 { throw .disconnected(endpoint: endpoint, reason: "closed by the server before auth completed") }
            decoder.append(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
        }
    }

    // MARK: - Reading

    private func readLoop(_ initial: FrameDecoder) {
        var decoder = initial
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
        defer { buffer.deallocate() }
        var failure: ESLError?
        loop: while true {
            do {
                while let frame = try decoder.next() { try dispatch(frame) }
            } catch {
                failure = error
                break loop
            }
            let count: Int
            do {
                count = try POSIXSocket.read(fd, into: buffer)
            } catch {
                failure = .disconnected(endpoint: endpoint, reason: error.description)
                break
            }
            if count == 0 { break }
            decoder.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        finish(failure)
    }

    private func dispatch(_ frame: Frame) throws(ESLError) {
        switch frame.contentType {
        case .eventPlain, .eventJSON, .eventXML:
            onEvent(try Event(frame: frame))
        case .commandReply, .apiResponse:
            let handler = state.withLock { state -> ReplyHandler? in
                guard state.head < state.pending.count else { return nil }
                let next = state.pending[state.head]
                state.head += 1
                if state.head > 64, state.head * 2 > state.pending.count {
                    state.pending.removeFirst(state.head)
                    state.head = 0
                }
                return next
            }
            guard let handler else {
                throw .protocolViolation("\(endpoint) sent a \(frame.contentType) nobody asked for")
            }
            handler.complete(.success(frame))
        case .disconnectNotice:
            let text = frame.bodyText.trimmed
            state.withLock { $0.notice = text.isEmpty ? "disconnect notice" : text }
        default:
            // log/data, a second auth/request, or a type this version does not know.
            break
        }
    }

    private func finish(_ failure: ESLError?) {
        let (error, waiting): (ESLError, [ReplyHandler]) = state.withLock { state in
            let reason: ESLError
            if let failure {
                reason = failure
            } else if state.closeRequested {
                reason = .disconnected(endpoint: endpoint, reason: "closed by the client")
            } else {
                reason = .disconnected(endpoint: endpoint, reason: state.notice ?? "connection closed by the server")
            }
            state.closed = reason
            let waiting = Array(state.pending[state.head...])
            state.pending = []
            state.head = 0
            return (reason, waiting)
        }
        // Shutting down first fails a write blocked on a full socket; `stop` waits for
        // a sender inside `submit` (which saw `closed` unset) and drops the queue.
        POSIXSocket.shutdown(fd)
        writer.stop()
        releaseDescriptor()
        for handler in waiting { handler.complete(.failure(error)) }
        onClose(error)
    }
}
