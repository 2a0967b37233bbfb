#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over BSD sockets, shared by the client connection, the simulator and
/// the test peers. Blocking I/O on plain file descriptors: each connection is served by
/// one thread, as FreeSWITCH itself does.
package enum POSIXSocket {
    #if os(Linux)
    static let streamType = Int32(SOCK_STREAM.rawValue)
    #else
    static let streamType = SOCK_STREAM
    #endif

    /// Connects to `host:port` within `timeout` seconds.
    package static func connect(host: String, port: Int, timeout: Double) throws(ESLError) -> Int32 {
        let endpoint = "\(host):\(port)"
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = streamType
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .unreachable(endpoint: endpoint, reason: "cannot resolve host (\(String(cString: gai_strerror(status))))")
        }
        defer { freeaddrinfo(list) }
        var lastError = ESLError.unreachable(endpoint: endpoint, reason: "no address")
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, streamType, 0)
            guard fd >= 0 else {
                lastError = .unreachable(endpoint: endpoint, reason: errnoText())
                continue
            }
            do {
                try connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen, timeout: timeout, endpoint: endpoint)
                setNoDelay(fd)
                return fd
            } catch {
                Glibc.close(fd)
                lastError = error
            }
        }
        throw lastError
    }

    private static func connect(
        _ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>?, _ length: socklen_t, timeout: Double, endpoint: String
    ) throws(ESLError) {
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(fd, F_SETFL, flags) }
        if Glibc.connect(fd, address, length) == 0 { return }
        guard errno == EINPROGRESS else { throw connectError(errno, endpoint: endpoint, timeout: timeout) }
        var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        let ready = poll(&pfd, 1, Int32(max(0, timeout * 1000)))
        if ready == 0 { throw .connectionTimedOut(endpoint: endpoint, seconds: timeout) }
        var code: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &size)
        if ready < 0 { code = errno }
        if code != 0 { throw connectError(code, endpoint: endpoint, timeout: timeout) }
    }

    private static func connectError(_ code: Int32, endpoint: String, timeout: Double) -> ESLError {
        switch code {
        case ECONNREFUSED: .connectionRefused(endpoint: endpoint)
        case ETIMEDOUT: .connectionTimedOut(endpoint: endpoint, seconds: timeout)
        default: .unreachable(endpoint: endpoint, reason: String(cString: strerror(code)))
        }
    }

    /// Listens on `host:port` (port 0 picks a free one); returns the socket and the port.
    package static func listen(host: String, port: Int, backlog: Int32 = 128) throws(ESLError) -> (fd: Int32, port: Int) {
        let endpoint = "\(host):\(port)"
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = streamType
        hints.ai_flags = AI_PASSIVE
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let info = list else {
            throw .unreachable(endpoint: endpoint, reason: "cannot resolve listen address")
        }
        defer { freeaddrinfo(list) }
        let fd = socket(info.pointee.ai_family, streamType, 0)
        guard fd >= 0 else { throw .unreachable(endpoint: endpoint, reason: errnoText()) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, Glibc.listen(fd, backlog) == 0 else {
            let reason = errnoText()
            Glibc.close(fd)
            throw .unreachable(endpoint: endpoint, reason: "cannot listen: \(reason)")
        }
        return (fd, localPort(fd))
    }

    /// Accepts one connection; nil once the listening socket is shut down or closed.
    package static func accept(_ fd: Int32) -> Int32? {
        while true {
            let client = Glibc.accept(fd, nil, nil)
            if client >= 0 {
                setNoDelay(client)
                return client
            }
            if errno == EINTR || errno == ECONNABORTED { continue }
            return nil
        }
    }

    /// The local port a socket is bound to.
    package static func localPort(_ fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var size = socklen_t(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &size) }
        }
        let family = storage.ss_family
        return withUnsafePointer(to: &storage) { pointer in
            if family == sa_family_t(AF_INET6) {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    /// Writes every byte (retrying short writes); throws the errno text on failure.
    package static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(POSIXError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw POSIXError(code: errno)
            }
            offset += written
        }
    }

    /// Writes what the socket takes without waiting (`MSG_DONTWAIT`, so the descriptor
    /// stays blocking for its reader). Returns the bytes written: fewer than asked, or
    /// 0, when the socket's buffer is full.
    package static func writeNow(_ fd: Int32, _ bytes: [UInt8]) throws(POSIXError) -> Int {
        try bytes.withUnsafeBytes { raw in Result { () throws(POSIXError) in try writeNow(fd, raw) } }.get()
    }

    /// ``writeNow(_:_:)-([UInt8])`` over raw bytes.
    package static func writeNow(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(POSIXError) -> Int {
        var offset = 0
        while offset < bytes.count {
            let written = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return offset }
                throw POSIXError(code: errno)
            }
            offset += written
        }
        return offset
    }

    /// Blocks until the socket can take more bytes, or has failed or been shut down
    /// (the next write then says which). False only if `poll` itself fails.
    package static func waitUntilWritable(_ fd: Int32) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        while true {
            if poll(&pfd, 1, -1) >= 0 { return true }
            if errno != EINTR { return false }
        }
    }

    /// Reads what is available (blocking until something is); 0 means EOF.
    package static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(POSIXError) -> Int {
        while true {
            let count = recv(fd, buffer.baseAddress, buffer.count, 0)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw POSIXError(code: errno)
        }
    }

    /// Sets a receive timeout (0 = none) so a blocking read gives up with EAGAIN.
    package static func setReceiveTimeout(_ fd: Int32, seconds: Double) {
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Stops both directions: a blocked `recv` returns 0, a peer sees EOF.
    package static func shutdown(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    package static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    private static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// An errno from a socket call.
package struct POSIXError: Error, Sendable, CustomStringConvertible {
    package let code: Int32
    package var description: String { String(cString: strerror(code)) }
    package var isTimeout: Bool { code == EAGAIN || code == EWOULDBLOCK }
}
