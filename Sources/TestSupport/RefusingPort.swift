import ESL
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback port that refuses every connection and that no other socket can take
/// while this value lives: a TCP socket bound to 127.0.0.1 that never listens (the
/// kernel answers a connect with a reset, "connection refused").
///
/// Binding a listener and closing it, then connecting to its port, is a race in a
/// parallel suite: another test's server may be given the same port in between and
/// accept the connection meant to be refused.
public final class RefusingPort: Sendable {
    /// The port (on 127.0.0.1).
    public let port: Int
    private let fd: Int32

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        // No SO_REUSEADDR: nobody else may bind this port while it is held.
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        self.fd = fd
        self.port = POSIXSocket.localPort(fd)
    }

    deinit { close(fd) }
}
