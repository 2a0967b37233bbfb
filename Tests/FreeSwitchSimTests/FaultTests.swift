import ESL
import FreeSwitchSim
import Testing

/// The injectable faults, each observed through the ESL `Connection`.
@Suite(.timeLimit(.minutes(1))) struct FaultTests {
    static let answered = "originate {origination_uuid=fault-call}sofia/external/echo@127.0.0.1:5090 &park()"

    @Test func dropAfterEventsClosesWithoutNotice() async throws {
        let sim = try await SimHarness.start { $0.faults.dropAfterEvents = 5 }
        defer { sim.stop() }
        _ = try await sim.bgapi(Self.answered, jobUUID: "j1")
        let events = await sim.collector.wait { _ in false }  // returns when the connection closes
        #expect(events.count == 5)
        #expect(!sim.connection.isOpen)
    }

    @Test func dropAtTimeClosesEveryConnection() async throws {
        let sim = try await SimHarness.start { $0.faults.dropAtSeconds = 10 }
        defer { sim.stop() }
        #expect(try await sim.api("global_getvar local_ip_v4") == "127.0.0.1")
        sim.clock.advance(by: 10)
        _ = await sim.collector.wait { _ in false }
        #expect(!sim.connection.isOpen)
    }

    @Test func dropAtSparesConnectionsOpenedAfterIt() async throws {
        let sim = try await SimHarness.start { $0.faults.dropAtSeconds = 10 }
        defer { sim.stop() }
        sim.clock.advance(by: 10)
        _ = await sim.collector.wait { _ in false }
        #expect(!sim.connection.isOpen)
        // Reconnecting after the drop works, and the connection stays up however long.
        let again = try await Connection.connect(host: "127.0.0.1", port: sim.slave.port, password: "ClueCon")
        defer { again.close() }
        sim.clock.advance(by: 10)
        #expect(try await again.send(.api("global_getvar local_ip_v4")).bodyText == "127.0.0.1")
        #expect(again.isOpen)
    }

    @Test func refuseReconnectRefusesEveryAuthAfterADrop() async throws {
        let sim = try await SimHarness.start { configuration in
            configuration.faults.dropAtSeconds = 10
            configuration.faults.refuseReconnect = true
        }
        defer { sim.stop() }
        // Before the drop, more connections are welcome.
        let early = try await Connection.connect(host: "127.0.0.1", port: sim.slave.port, password: "ClueCon")
        early.close()
        sim.clock.advance(by: 10)
        _ = await sim.collector.wait { _ in false }
        await #expect(throws: ESLError.authenticationFailed(endpoint: "127.0.0.1:\(sim.slave.port)")) {
            _ = try await Connection.connect(host: "127.0.0.1", port: sim.slave.port, password: "ClueCon")
        }
    }

    @Test func stallHoldsEventsButNotReplies() async throws {
        let sim = try await SimHarness.start { configuration in
            configuration.faults.stallAfterEvents = 3
            configuration.faults.stallSeconds = 5
        }
        defer { sim.stop() }
        _ = try await sim.bgapi(Self.answered, jobUUID: "j1")
        // Every event queued before a command is written before its reply, unless stalled.
        #expect(try await sim.api("global_getvar local_ip_v4") == "127.0.0.1")
        #expect(sim.collector.events.count == 3)
        sim.clock.advance(by: 5)
        let park = await sim.collector.next("CHANNEL_PARK")
        #expect(park?.uniqueID == "fault-call")
    }

    @Test func malformedFrameBreaksTheStream() async throws {
        // The harness's own connection subscribes to nothing: the frame, written once
        // per slave, goes to the connection below.
        let sim = try await SimHarness.start(events: nil) { $0.faults.malformedFrameAfterEvents = 2 }
        defer { sim.stop() }
        let recorder = EventCollector()
        let closed = ClosedReason()
        let connection = try await Connection.connect(
            host: "127.0.0.1", port: sim.slave.port, password: "ClueCon", onEvent: recorder.onEvent,
            onClose: { error in
                closed.set(error)
                recorder.onClose(error)
            })
        _ = try await connection.send(.event(.plain, ["ALL"]))
        _ = try await connection.send(.bgapi(Self.answered, jobUUID: "j1"))
        let events = await recorder.wait { _ in false }
        #expect(events.count == 2)
        guard case .protocolViolation = closed.value else {
            Issue.record("expected a protocol violation, got \(String(describing: closed.value))")
            return
        }
    }

    @Test func malformedFrameIsWrittenOncePerSlave() async throws {
        let sim = try await SimHarness.start(events: nil) { $0.faults.malformedFrameAfterEvents = 2 }
        defer { sim.stop() }
        func subscribed(_ recorder: EventCollector) async throws -> Connection {
            let connection = try await Connection.connect(
                host: "127.0.0.1", port: sim.slave.port, password: "ClueCon", onEvent: recorder.onEvent,
                onClose: recorder.onClose)
            _ = try await connection.send(.event(.plain, ["ALL"]))
            return connection
        }
        let first = EventCollector()
        let broken = try await subscribed(first)
        _ = try await broken.send(.bgapi(Self.answered, jobUUID: "j1"))
        #expect(await first.wait { _ in false }.count == 2)
        // A connection made afterwards gets a clean stream: the whole call, then its job.
        let second = EventCollector()
        let clean = try await subscribed(second)
        defer { clean.close() }
        _ = try await clean.send(.bgapi("originate {origination_uuid=fault-call-2}sofia/external/echo@127.0.0.1:5090 &park()", jobUUID: "j2"))
        let job = await second.next("BACKGROUND_JOB") { $0.jobUUID == "j2" }
        #expect(job != nil)
        #expect(clean.isOpen)
    }

    @Test func loseEveryNthEventSilently() async throws {
        let reference = try await SimHarness.start()
        defer { reference.stop() }
        _ = try await reference.bgapi(Self.answered, jobUUID: "j1")
        _ = try await reference.api("global_getvar local_ip_v4")
        // The barrier's own API event may arrive after its reply: leave it out.
        func counted(_ events: [Event]) -> Int { events.filter { $0["API-Command"] != "global_getvar" }.count }
        let all = counted(reference.collector.events)

        let sim = try await SimHarness.start { $0.faults.loseEveryNthEvent = 2 }
        defer { sim.stop() }
        _ = try await sim.bgapi(Self.answered, jobUUID: "j1")
        _ = try await sim.api("global_getvar local_ip_v4")
        #expect(all > 10)
        #expect(counted(sim.collector.events) == all - all / 2)
        #expect(sim.connection.isOpen)
    }
}

/// Remembers why a connection closed.
final class ClosedReason: @unchecked Sendable {
    private let lock = NSLockBox()
    private var stored: ESLError?
    var value: ESLError? { lock.run { stored } }
    func set(_ error: ESLError) { lock.run { stored = error } }
}

import Foundation

final class NSLockBox: @unchecked Sendable {
    private let lock = NSLock()
    func run<T>(_ body: () -> T) -> T { lock.withLock(body) }
}
