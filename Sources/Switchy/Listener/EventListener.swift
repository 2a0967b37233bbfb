public import ESL
import Synchronization

/// Listens to one slave's events on a connection of its own and tracks what they say.
///
/// This first version tracks background jobs only: it subscribes to BACKGROUND_JOB and
/// resolves the ``Job``s that ``Client/bgapi(_:)`` registers. The listener issue adds
/// sessions, calls, filters and apps.
public final class EventListener: Sendable {
    public let host: String
    public let port: Int
    private let password: String
    private let connection = Mutex<Connection?>(nil)
    package let jobs = JobTable()

    public init(host: String = "127.0.0.1", port: Int = 8021, password: String = "ClueCon") {
        self.host = host
        self.port = port
        self.password = password
    }

    /// Opens the event connection and subscribes.
    public func connect(options: Connection.Options = Connection.Options()) async throws(ESLError) {
        let jobs = self.jobs
        let opened = try await Connection.connect(
            host: host, port: port, password: password, options: options,
            onEvent: { event in
                if event.name == "BACKGROUND_JOB" { jobs.deliver(event) }
            },
            onClose: { error in jobs.failAll(reason: error.description) })
        connection.withLock { $0 = opened }
        let reply = try await opened.send(try Command.event(.plain, ["BACKGROUND_JOB"]))
        guard reply.replyText?.hasPrefix("+OK") == true else {
            opened.close()
            throw .protocolViolation("\(opened.endpoint) refused the subscription: \(reply.replyText ?? "")")
        }
    }

    /// Closes the event connection; waiting jobs fail as lost.
    public func stop() {
        connection.withLock { $0 }?.close()
    }
}
