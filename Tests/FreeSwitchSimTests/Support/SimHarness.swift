import ESL
import FreeSwitchSim

/// A started slave on a manual clock plus a subscribed `Connection` to it.
struct SimHarness {
    let slave: SimSlave
    let clock: ManualClock
    let connection: Connection
    let collector: EventCollector

    /// Starts a slave (switch name `fslab-a`, profile `external` on 127.0.0.1:5080, as
    /// in the captures), connects, and sends `event <format> <events>`.
    static func start(
        events: String? = "plain ALL", configure: (inout SimConfiguration) -> Void = { _ in }
    ) async throws -> SimHarness {
        let clock = ManualClock()
        var configuration = SimConfiguration()
        configuration.clock = clock
        configuration.switchname = "fslab-a"
        configuration.timing.sessionsPerSecond = 200
        configuration.timing.maxSessions = 2000
        configure(&configuration)
        let slave = try SimSlave.start(configuration)
        let collector = EventCollector()
        let connection = try await Connection.connect(
            host: "127.0.0.1", port: slave.port, password: configuration.password, onEvent: collector.onEvent,
            onClose: collector.onClose)
        if let events {
            let parts = events.split(separator: " ").map(String.init)
            let reply = try await connection.send(.event(Command.EventFormat(rawValue: parts[0]) ?? .plain, Array(parts.dropFirst())))
            precondition(reply.replyText?.hasPrefix("+OK") == true, "event failed: \(reply.replyText ?? "")")
        }
        return SimHarness(slave: slave, clock: clock, connection: connection, collector: collector)
    }

    func api(_ command: String) async throws -> String {
        try await connection.send(.api(command)).bodyText
    }

    func bgapi(_ command: String, jobUUID: String) async throws -> Frame {
        try await connection.send(.bgapi(command, jobUUID: jobUUID))
    }

    func stop() {
        connection.close()
        slave.stop()
    }
}
