import ESL
import FreeSwitchSim
import Synchronization
import TestSupport
import Testing

/// The `slow_commands` fault: a command loop that spends its time on each command,
/// reads nothing meanwhile, and so answers late and lets the client's writes back up.
@Suite(.timeLimit(.minutes(1))) struct SlowCommandsTests {
    /// On the real clock, each reply's `uptime ms` (the slave's own clock when it ran
    /// the command) is at least the fault's time after the one before: the loop took
    /// command n + 1 only once command n had had its 100 ms, although all three were
    /// sent at once. (A lower bound the fault guarantees, not a timing margin.)
    @Test func eachCommandTakesTheFaultsTimeInTheCommandLoop() async throws {
        var configuration = SimConfiguration()
        configuration.faults.slowCommandMilliseconds = 100
        let sim = try SimSlave.start(configuration)
        defer { sim.stop() }
        let connection = try await Connection.connect(host: "127.0.0.1", port: sim.port, password: "ClueCon")
        defer { connection.close() }
        let replies = ReplyCollector()
        for _ in 0..<3 { connection.send(try .api("uptime ms")) { replies.add($0) } }
        let uptimes = await replies.wait(for: 3).map { Int((try? $0.get().bodyText.trimmed) ?? "") ?? -1 }
        #expect(uptimes.count == 3 && uptimes[0] >= 100)
        #expect(uptimes[1] - uptimes[0] >= 100 && uptimes[2] - uptimes[1] >= 100, "\(uptimes)")
    }

    /// On a manual clock that does not move, the slave takes the first command and holds
    /// it: it reads nothing more, so its receive buffer and then the client's socket
    /// fill and the client's commands wait in its write backlog, none answered. Once
    /// the fault is lifted and the clock moves, every command is answered.
    @Test func aHeldCommandStopsTheReadingSoTheClientsWritesBackUp() async throws {
        let sim = try await SimHarness.start(events: nil) { $0.faults.slowCommandMilliseconds = 1 }
        defer { sim.stop() }
        let replies = ReplyCollector()
        let padding = String(repeating: "x", count: 16 * 1024)
        var sent = 0
        while sim.connection.writeBacklog.commands < 4 {
            try #require(sent < 20_000, "320 MB sent and nothing queued: the slave kept reading")
            sim.connection.send(try .api("global_getvar \(padding)\(sent)")) { replies.add($0) }
            sent += 1
        }
        #expect(replies.count == 0)
        var faults = sim.slave.configuration.faults
        faults.slowCommandMilliseconds = 0
        sim.slave.setFaults(faults)
        sim.clock.advance(by: 0.001)
        let results = await replies.wait(for: sent)
        #expect(results.count == sent && results.allSatisfy { (try? $0.get()) != nil })
        #expect(sim.connection.writeBacklog.commands == 0)
    }
}

/// Replies collected from completion callbacks, in the order they were called.
typealias ReplyCollector = CallbackResults<Result<Frame, ESLError>>
