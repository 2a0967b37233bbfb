import Dispatch
import ESL
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The HTTP endpoint of `switchy run --metrics`: a small HTTP/1.1 server on POSIX
/// sockets that answers `GET /metrics` (and `HEAD`) with what `render` makes.
///
/// One thread accepts; each connection gets a thread of its own, at most
/// ``Limits/connections`` at once (one more is answered 503 and closed at once). A
/// connection has ``Limits/readTimeout`` from its accept to send its whole head (a
/// client that sends half a request, or nothing, is answered 408 then, and never holds
/// up another), at most ``Limits/headBytes`` of it (else 431), and
/// ``Limits/writeTimeout`` for each write of the response. Every response closes
/// the connection. Other paths are 404, other methods 405 (with `Allow`), anything
/// that is not an HTTP/1.x request head 400. None of it touches the run: `render`
/// copies the run's figures under their lock and formats them on the connection's
/// thread.
public final class MetricsServer: Sendable {
    /// How much one client may take.
    public struct Limits: Sendable {
        /// Connections served at once.
        public var connections = 16
        /// Seconds from the accept for the whole request head to arrive.
        public var readTimeout = 5.0
        /// Seconds for the socket to take each part of the response.
        public var writeTimeout = 5.0
        /// Largest request head, bytes.
        public var headBytes = 8 * 1024

        public init() {}
    }

    /// Why the server cannot start.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The address cannot be listened on (in use, not an address of this host,
        /// a privileged port), with the system's reason.
        case cannotListen(address: String, reason: String)

        public var description: String {
            switch self {
            case .cannotListen(let address, let reason): "cannot serve metrics on \(address): \(reason)"
            }
        }
    }

    /// What a scrape returns: its content type and body, for its `Accept` header.
    public typealias Render = @Sendable (_ accept: String?) -> (contentType: String, body: String)

    public let host: String
    /// The port listened on (the one picked when asked for port 0).
    public let port: Int
    private let fd: Int32
    private let limits: Limits
    private let render: Render
    private let state = Mutex(State())
    private let threads = DispatchGroup()

    private struct State {
        var stopped = false
        /// The connections being served, shut down by ``stop()``.
        var clients: Set<Int32> = []
    }

    /// Listens on `host:port` and starts serving.
    /// - Throws: ``Failure/cannotListen(address:reason:)``.
    public init(host: String, port: Int, limits: Limits = Limits(), render: @escaping Render) throws(Failure) {
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        do {
            (fd, self.port) = try POSIXSocket.listen(host: host, port: port, backlog: 64)
        } catch {
            var reason = "\(error)"
            if case .unreachable(_, let why) = error { reason = why }
            throw .cannotListen(address: address, reason: reason)
        }
        self.host = host
        self.limits = limits
        self.render = render
        threads.enter()
        Thread.detachNewThread { [self] in
            acceptLoop()
            threads.leave()
        }
    }

    /// `http://host:port/metrics`.
    public var url: String {
        (host.contains(":") ? "http://[\(host)]" : "http://\(host)") + ":\(port)/metrics"
    }

    /// Stops accepting, ends the connections being served, and returns once every
    /// thread of the server is done (a moment: each is woken by its socket's shutdown).
    public func stop() {
        let clients = state.withLock { state -> Set<Int32>? in
            guard !state.stopped else { return nil }
            state.stopped = true
            return state.clients
        }
        guard let clients else { return threads.wait() }
        POSIXSocket.shutdown(fd)
        for client in clients { POSIXSocket.shutdown(client) }
        threads.wait()
    }

    private func acceptLoop() {
        defer { POSIXSocket.close(fd) }
        while let client = POSIXSocket.accept(fd) {
            let admitted = state.withLock { state -> Bool? in
                guard !state.stopped else { return nil }
                guard state.clients.count < limits.connections else { return false }
                state.clients.insert(client)
                return true
            }
            guard let admitted else {
                POSIXSocket.close(client)
                return
            }
            guard admitted else {
                // Without waiting: a client that does not read gets nothing.
                _ = try? POSIXSocket.writeNow(client, Self.response(503, reason: "too many connections"))
                POSIXSocket.close(client)
                continue
            }
            threads.enter()
            Thread.detachNewThread { [self] in
                serve(client)
                state.withLock { _ = $0.clients.remove(client) }
                POSIXSocket.close(client)
                threads.leave()
            }
        }
    }

    /// Reads one request head and answers it.
    private func serve(_ client: Int32) {
        setSendTimeout(client, seconds: limits.writeTimeout)
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(limits.readTimeout * 1e9)
        var reader = HTTPHeadReader(limit: limits.headBytes)
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline, Self.waitReadable(client, milliseconds: Int32((deadline - now) / 1_000_000) + 1) else {
                return answer(client, Self.response(408, reason: "the request head did not arrive in time"))
            }
            let count = chunk.withUnsafeMutableBytes { raw in (try? POSIXSocket.read(client, into: raw)) ?? 0 }
            if count == 0 { return }  // closed (or shut down by stop())
            switch reader.feed(chunk[..<count]) {
            case .needMore: continue
            case .tooLarge: return answer(client, Self.response(431, reason: "the request head is too large"))
            case .malformed(let why): return answer(client, Self.response(400, reason: why))
            case .head(let head): return answer(client, respond(to: head))
            }
        }
    }

    /// The response to a request: the rules of the type's comment.
    func respond(to head: HTTPRequestHead) -> [UInt8] {
        guard head.path == "/metrics" else { return Self.response(404, reason: "only /metrics is served here") }
        guard head.method == "GET" || head.method == "HEAD" else {
            return Self.response(405, reason: "only GET and HEAD", extra: "Allow: GET, HEAD\r\n")
        }
        let (contentType, body) = render(head.field("accept"))
        let bytes = Array(body.utf8)
        var response = Self.head(200, contentType: contentType, length: bytes.count)
        if head.method == "GET" { response += bytes }
        return response
    }

    /// Writes `response`, then closes gracefully: no more writes, and what the client
    /// still sends (a body nobody asked for) is read and dropped for a moment, so the
    /// close does not reset the connection before the client has read the response.
    private func answer(_ client: Int32, _ response: [UInt8]) {
        guard (try? POSIXSocket.writeAll(client, response)) != nil else { return }
        _ = Glibc.shutdown(client, Int32(SHUT_WR))
        var chunk = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<16 {
            guard Self.waitReadable(client, milliseconds: 200) else { return }
            let count = chunk.withUnsafeMutableBytes { raw in (try? POSIXSocket.read(client, into: raw)) ?? 0 }
            if count == 0 { return }
        }
    }

    // MARK: Responses

    static let reasons = [
        200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 408: "Request Timeout",
        431: "Request Header Fields Too Large", 503: "Service Unavailable",
    ]

    static func head(_ status: Int, contentType: String, length: Int, extra: String = "") -> [UInt8] {
        Array(
            ("HTTP/1.1 \(status) \(reasons[status] ?? "")\r\nContent-Type: \(contentType)\r\n"
                + "Content-Length: \(length)\r\n\(extra)Connection: close\r\n\r\n").utf8)
    }

    /// An error response: its status and a line of text saying why.
    static func response(_ status: Int, reason: String, extra: String = "") -> [UInt8] {
        let body = Array("\(status) \(reasons[status] ?? ""): \(reason)\n".utf8)
        return head(status, contentType: "text/plain; charset=utf-8", length: body.count, extra: extra) + body
    }

    // MARK: Sockets

    /// Waits until `fd` has bytes (or EOF, or an error) to read; false on timeout.
    private static func waitReadable(_ fd: Int32, milliseconds: Int32) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&pfd, 1, milliseconds)
            if ready >= 0 { return ready > 0 }
            if errno != EINTR { return true }  // the read says what is wrong
        }
    }

    private func setSendTimeout(_ fd: Int32, seconds: Double) {
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }
}
