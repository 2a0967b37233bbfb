/// Errors a user of the Event Socket can act on.
///
/// Every message names the slave (`host:port`) and never contains a password.
public enum ESLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing listens at the address (TCP RST).
    case connectionRefused(endpoint: String)
    /// The TCP connect or the greeting did not complete in time.
    case connectionTimedOut(endpoint: String, seconds: Double)
    /// The host name could not be resolved, or the socket could not be opened.
    case unreachable(endpoint: String, reason: String)
    /// The server answered `auth` with `-ERR invalid`.
    case authenticationFailed(endpoint: String)
    /// The server sent `text/rude-rejection`: the client's address is not in its ACL.
    case rejectedByACL(endpoint: String, message: String)
    /// The connection ended (EOF, socket error, disconnect notice, or closed by us).
    case disconnected(endpoint: String, reason: String)
    /// A frame's header block or body exceeded the decoder's maximum size.
    case frameTooLarge(size: Int, limit: Int)
    /// The bytes on the wire do not follow ESL framing.
    case protocolViolation(String)
    /// A command argument would break the command framing (it holds a line break).
    case invalidCommand(String)

    public var description: String {
        switch self {
        case .connectionRefused(let endpoint):
            "\(endpoint): connection refused (is FreeSWITCH's mod_event_socket listening there?)"
        case .connectionTimedOut(let endpoint, let seconds):
            "\(endpoint): no answer within \(seconds.compactText) s (host down, or a firewall drops the packets?)"
        case .unreachable(let endpoint, let reason):
            "\(endpoint): cannot connect: \(reason)"
        case .authenticationFailed(let endpoint):
            "\(endpoint): authentication failed (check the ESL password)"
        case .rejectedByACL(let endpoint, let message):
            "\(endpoint): rejected by the server's inbound ACL (\(message)); set apply-inbound-acl in event_socket.conf.xml"
        case .disconnected(let endpoint, let reason):
            "\(endpoint): disconnected: \(reason)"
        case .frameTooLarge(let size, let limit):
            "frame of \(size) bytes exceeds the limit of \(limit) bytes"
        case .protocolViolation(let what):
            "protocol violation: \(what)"
        case .invalidCommand(let what):
            "invalid command: \(what)"
        }
    }
}
