import ESL
import Foundation
@testable import LoadTest
import Synchronization
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// ``MetricsServer`` on real loopback sockets: what each request gets, and clients
/// that are slow, silent, too many or too big never hold up a scrape. Every blocking
/// socket call runs off the cooperative pool.
@Suite(.timeLimit(.minutes(1))) struct MetricsServerTests {
    /// Limits whose read timeout no test reaches unless it means to (a loaded machine
    /// may stall a test for seconds between its connect and its send).
    static var patient: MetricsServer.Limits {
        var limits = MetricsServer.Limits()
        limits.readTimeout = 600
        return limits
    }

    /// A server on a free loopback port rendering `body`, the `Accept` header it was
    /// asked with echoed first.
    static func server(limits: MetricsServer.Limits = patient) throws -> MetricsServer {
        try MetricsServer(host: "127.0.0.1", port: 0, limits: limits) { accept in
            ("text/plain; version=0.0.4; charset=utf-8", "accept=\(accept ?? "none")\nswitchy_up 1\n")
        }
    }

    /// A client connection.
    final class Client: Sendable {
        let fd: Int32
        init(port: Int) throws { fd = try POSIXSocket.connect(host: "127.0.0.1", port: port, timeout: 5) }
        func send(_ text: String) throws { try POSIXSocket.writeAll(fd, Array(text.utf8)) }
        /// Everything until the server closes.
        func readAll() -> String {
            var data: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = chunk.withUnsafeMutableBytes { (try? POSIXSocket.read(fd, into: $0)) ?? 0 }
                if count == 0 { return String(decoding: data, as: UTF8.self) }
                data += chunk[..<count]
            }
        }
        /// Closes the connection (so the server's lingering close ends).
        func close() { POSIXSocket.shutdown(fd) }
        deinit { POSIXSocket.close(fd) }
    }

    static func exchange(_ port: Int, _ request: String) async throws -> String {
        let client = try Client(port: port)
        try client.send(request)
        return await CLIRunner.offThePool { client.readAll() }
    }

    static func stop(_ server: MetricsServer) async {
        await CLIRunner.offThePool { server.stop() }
    }

    @Test(arguments: [
        // The scrape, with the Accept header passed to the renderer.
        ("GET /metrics HTTP/1.1\r\nAccept: text/plain\r\n\r\n", "HTTP/1.1 200 OK", "accept=text/plain\nswitchy_up 1\n"),
        ("GET /metrics?x HTTP/1.0\r\n\r\n", "HTTP/1.1 200 OK", "accept=none\nswitchy_up 1\n"),
        // HEAD: the headers of GET (its Content-Length), no body.
        ("HEAD /metrics HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK", ""),
        ("GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 404 Not Found", "404 Not Found: only /metrics is served here\n"),
        ("DELETE /nothing HTTP/1.1\r\n\r\n", "HTTP/1.1 404 Not Found", "404 Not Found: only /metrics is served here\n"),
        ("POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", "HTTP/1.1 405 Method Not Allowed", "405 Method Not Allowed: only GET and HEAD\n"),
        ("hello\r\n\r\n", "HTTP/1.1 400 Bad Request", "400 Bad Request: the request line is not 'METHOD TARGET HTTP/1.x'\n"),
    ])
    func responses(request: String, statusLine: String, body: String) async throws {
        let server = try Self.server()
        let response = try await Self.exchange(server.port, request)
        await Self.stop(server)
        let parts = response.components(separatedBy: "\r\n\r\n")
        let head = parts[0].components(separatedBy: "\r\n")
        #expect(head.first == statusLine)
        #expect(head.contains("Connection: close"))
        #expect(parts.dropFirst().joined(separator: "\r\n\r\n") == body)
        if statusLine.hasSuffix("200 OK") {
            #expect(head.contains("Content-Type: text/plain; version=0.0.4; charset=utf-8"))
            #expect(head.contains("Content-Length: \("accept=\(request.contains("Accept") ? "text/plain" : "none")\nswitchy_up 1\n".utf8.count)"))
        }
        if statusLine.contains("405") { #expect(head.contains("Allow: GET, HEAD")) }
    }

    @Test func anOversizeHeadGets431() async throws {
        let server = try Self.server()
        let response = try await Self.exchange(server.port, "GET /metrics HTTP/1.1\r\nX: " + String(repeating: "y", count: 9000))
        await Self.stop(server)
        #expect(response.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"))
    }

    /// A client that connects and sends half a request, and one that sends nothing,
    /// hold a thread each but no other client's scrape.
    @Test func slowClientsDoNotBlockAScrape() async throws {
        let server = try Self.server()
        let half = try Client(port: server.port)
        try half.send("GET /metr")
        let silent = try Client(port: server.port)
        let response = try await Self.exchange(server.port, "GET /metrics HTTP/1.1\r\n\r\n")
        #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
        await Self.stop(server)
        let (halfGot, silentGot) = await CLIRunner.offThePool { (half.readAll(), silent.readAll()) }
        #expect(halfGot == "" && silentGot == "", "still waiting for their heads when the server stopped")
    }

    /// Each slow client gets 408 once its time to send the head is over.
    @Test func slowClientsTimeOut() async throws {
        var limits = MetricsServer.Limits()
        limits.readTimeout = 0.5
        let server = try Self.server(limits: limits)
        let half = try Client(port: server.port)
        try half.send("GET /metr")
        let silent = try Client(port: server.port)
        let (halfGot, silentGot) = await CLIRunner.offThePool { (half.readAll(), silent.readAll()) }
        #expect(halfGot.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
        #expect(silentGot.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
        await Self.stop(server)
    }

    /// Past the connection cap a client is answered 503 at once; the connections
    /// served go on, and a scrape after they are gone is served.
    @Test func connectionsPastTheCapGet503() async throws {
        var limits = Self.patient
        limits.connections = 2
        let server = try Self.server(limits: limits)
        let first = try Client(port: server.port)
        let second = try Client(port: server.port)
        // Accepted in order: these two hold both places before the third comes.
        let third = try await Self.exchange(server.port, "GET /metrics HTTP/1.1\r\n\r\n")
        #expect(third.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        try first.send("GET /metrics HTTP/1.1\r\n\r\n")
        try second.send("GET /metrics HTTP/1.1\r\n\r\n")
        let (a, b) = await CLIRunner.offThePool { (first.readAll(), second.readAll()) }
        #expect(a.hasPrefix("HTTP/1.1 200 OK\r\n") && b.hasPrefix("HTTP/1.1 200 OK\r\n"))
        first.close()
        second.close()
        // Their threads leave their places as they end; a new scrape is served once they
        // have (tried until then, within the suite's time limit).
        var served = false
        while !served {
            served = try await Self.exchange(server.port, "GET /metrics HTTP/1.1\r\n\r\n").hasPrefix("HTTP/1.1 200 OK")
            if !served { await Task.yield() }
        }
        #expect(served)
        await Self.stop(server)
    }

    /// Stopping ends the connections being served (a silent client sees EOF) and the
    /// port is no longer listened on.
    @Test func stopEndsEverything() async throws {
        let server = try Self.server()
        let silent = try Client(port: server.port)
        // The server has accepted it once a scrape on a later connection is served.
        #expect(try await Self.exchange(server.port, "GET /metrics HTTP/1.1\r\n\r\n").hasPrefix("HTTP/1.1 200"))
        await Self.stop(server)
        #expect(await CLIRunner.offThePool { silent.readAll() } == "")
        #expect(throws: ESLError.self) { _ = try Client(port: server.port) }
    }

    @Test func aPortInUseIsRefusedWithTheReason() async throws {
        let server = try Self.server()
        #expect(throws: MetricsServer.Failure.cannotListen(address: "127.0.0.1:\(server.port)", reason: "cannot listen: Address already in use")) {
            _ = try MetricsServer(host: "127.0.0.1", port: server.port) { _ in ("", "") }
        }
        #expect(throws: MetricsServer.Failure.self) {
            _ = try MetricsServer(host: "not-an-address.invalid", port: 0) { _ in ("", "") }
        }
        #expect(server.url == "http://127.0.0.1:\(server.port)/metrics")
        await Self.stop(server)
    }
}
