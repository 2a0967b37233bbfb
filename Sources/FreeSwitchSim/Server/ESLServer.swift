import ESL
import Foundation
import Synchronization

/// The listening socket of one simulated FreeSWITCH: accepts connections and starts a
/// thread for each, as mod_event_socket does.
final class ESLServer: Sendable {
    let port: Int
    private let fd: Int32
    private let core: SwitchCore
    private let connections = Mutex<[ObjectIdentifier: ESLConnection]>([:])
    private let stopped = Mutex(false)

    init(host: String, port: Int, core: SwitchCore) throws(ESLError) {
        let (fd, bound) = try POSIXSocket.listen(host: host, port: port)
        self.fd = fd
        self.port = bound
        self.core = core
    }

    func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "sim-esl accept :\(port)"
        thread.start()
    }

    /// Closes the listener and every connection.
    ///
    /// Only shuts the listening socket down: the accept thread closes it once its
    /// `accept` has returned, so the descriptor number cannot be reused (by another
    /// slave's listener) while this thread may still call `accept` on it.
    func stop() {
        stopListening()
        for connection in connections.withLock({ Array($0.values) }) { connection.terminate() }
    }

    /// A graceful shutdown closed the sockets: stops listening and wakes every
    /// connection, which writes what it has queued and the notice, then closes.
    func shutDown() {
        stopListening()
        for connection in connections.withLock({ Array($0.values) }) { connection.wake() }
    }

    /// Shuts the listening socket down, once (the accept thread closes it after).
    private func stopListening() {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        if first { POSIXSocket.shutdown(fd) }
    }

    /// Number of open connections.
    var connectionCount: Int { connections.withLock { $0.count } }

    private func acceptLoop() {
        defer { POSIXSocket.close(fd) }
        while let client = POSIXSocket.accept(fd) {
            if stopped.withLock({ $0 }) {
                POSIXSocket.close(client)
                return
            }
            let connection = ESLConnection(fd: client, core: core) { [weak self] ended in
                _ = self?.connections.withLock { $0.removeValue(forKey: ObjectIdentifier(ended)) }
            }
            connections.withLock { $0[ObjectIdentifier(connection)] = connection }
            connection.start()
        }
    }
}
