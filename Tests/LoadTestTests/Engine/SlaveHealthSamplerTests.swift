import FreeSwitchSim
@testable import LoadTest
import Synchronization
import Testing

/// The health sampler against simulators, one second at a time: each second it is
/// asked for has a row per slave, with the slave's figures when it answered and none
/// (a gap, not zeros) when it was down or its monitor connection was gone.
@Suite(.timeLimit(.minutes(1))) struct SlaveHealthSamplerTests {
    static func startSim(_ name: String, idleCPU: Double = 98.7, cpuPerSession: Double = 0.01) throws -> SimSlave {
        var configuration = SimConfiguration()
        configuration.password = "health-pw"
        configuration.switchname = name
        configuration.timing.answerDelay = .fixed(0)
        configuration.timing.sessionsPerSecond = 1000
        configuration.timing.idleCPU = idleCPU
        configuration.timing.cpuPerSession = cpuPerSession
        return try SimSlave.start(configuration)
    }

    /// A connected link to `sim`, up, with a monitor connection.
    static func link(_ sim: SimSlave, _ name: String) async throws -> SlaveLink {
        let spec = RunPlan.Slave(
            name: name, host: "127.0.0.1", port: sim.port, password: "health-pw",
            call: RunPlan.Call(dest: "echo@192.0.2.1:5060"))
        let link = SlaveLink(spec: spec, runID: "health", controlConnections: 1, monitor: true, clock: ManualRunClock())
        try await link.connect(timeout: 5)
        link.markUp(at: 0, note: "connected")
        return link
    }

    @Test func eachSecondHasARowPerSlaveWithWhatTheSlaveSays() async throws {
        let busy = try Self.startSim("busy", idleCPU: 90, cpuPerSession: 2.5)
        let idle = try Self.startSim("idle")
        defer { busy.stop(); idle.stop() }
        let links = [try await Self.link(busy, "busy"), try await Self.link(idle, "idle")]
        defer { for link in links { link.close() } }
        // Two calls up on the busy slave (one session each: the far end is not the sim).
        for index in 0..<2 {
            _ = try await links[0].client.api(
                "originate {origination_uuid=health-\(index)}sofia/external/echo@192.0.2.1:5060 &park()")
        }
        let sampler = SlaveHealthSampler(links: links, connectTimeout: 5)
        sampler.sample(second: 1)
        await sampler.settled(within: 30)
        let record = sampler.finish()
        #expect(record.rows.map(\.second) == [1, 1] && record.rows.map(\.slave) == ["busy", "idle"])
        #expect(record.rows[0].sessions == 2 && record.rows[0].idleCPU == 85)
        #expect(record.rows[1].sessions == 0 && record.rows[1].idleCPU == 98.7)
        #expect(record.rows.allSatisfy { $0.sessionsPerSecond != nil })
    }

    /// A slave marked down is not asked: its row is empty for that second and the other
    /// slave's is read; one whose monitor connection is gone while it counts as up is
    /// not asked either (the connection is reopened in the background) — no second
    /// waits on it, and the summary counts the gaps.
    @Test func aSlaveDownLeavesGapsNotZeros() async throws {
        let first = try Self.startSim("sim-1")
        let second = try Self.startSim("sim-2")
        defer { first.stop(); second.stop() }
        let links = [try await Self.link(first, "sim-1"), try await Self.link(second, "sim-2")]
        defer { for link in links { link.close() } }
        let sampler = SlaveHealthSampler(links: links, connectTimeout: 5)
        sampler.sample(second: 1)
        await sampler.settled(within: 30)

        _ = links[1].markDown(at: 1, reason: "test")
        second.stop()
        sampler.sample(second: 2)
        await sampler.settled(within: 30)
        // Up again by its state, but its monitor connection went with the server.
        links[1].markUp(at: 2, note: "test")
        sampler.sample(second: 3)
        await sampler.settled(within: 30)

        let rows = sampler.finish().rows
        #expect(rows.map(\.second) == [1, 1, 2, 2, 3, 3])
        let sim1 = rows.filter { $0.slave == "sim-1" }
        let sim2 = rows.filter { $0.slave == "sim-2" }
        #expect(sim1.allSatisfy { $0.isSampled && $0.idleCPU == 98.7 && $0.sessions == 0 })
        #expect(sim2.map(\.isSampled) == [true, false, false])
        #expect(sim2[1] == SlaveHealthRow(second: 2, slave: "sim-2") && sim2[2] == SlaveHealthRow(second: 3, slave: "sim-2"))
        let summary = try #require(SlaveHealth.Summary(rows: sim2, heartbeatIdleCPU: nil))
        #expect(summary.samples == 1 && summary.missed == 2 && summary.minIdleCPU == 98.7 && summary.peakSessions == 0)
    }

    /// A HEARTBEAT's `Idle-CPU` on the event connection counts towards the slave's
    /// lowest (the sampler's handler runs before one registered after it).
    @Test func heartbeatsIdleCPUIsKept() async throws {
        let sim = try Self.startSim("busy", idleCPU: 90, cpuPerSession: 2.5)
        defer { sim.stop() }
        let link = try await Self.link(sim, "busy")
        defer { link.close() }
        for index in 0..<2 {
            _ = try await link.client.api("originate {origination_uuid=beat-\(index)}sofia/external/echo@192.0.2.1:5060 &park()")
        }
        let sampler = SlaveHealthSampler(links: [link], connectTimeout: 5)
        sampler.listen()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = Mutex(Optional(continuation))
            link.listener.on("HEARTBEAT") { _, _ in once.withLock { $0.take() }?.resume() }
            sim.fireHeartbeat()
        }
        let record = sampler.finish()
        #expect(record.lowestHeartbeatIdleCPU == ["busy": 85])
        #expect(record.rows.isEmpty, "no second was read")
    }

    /// The lowest of the readings and of the HEARTBEATs' `Idle-CPU` is the slave's
    /// minimum; peaks are the readings' highest.
    @Test func theSummaryTakesTheLowestIdleCPUAndTheHighestPeaks() throws {
        let rows = [
            SlaveHealthRow(second: 1, slave: "a", sessions: 10, sessionsPerSecond: 10, idleCPU: 80),
            SlaveHealthRow(second: 2, slave: "a"),
            SlaveHealthRow(second: 3, slave: "a", sessions: 30, sessionsPerSecond: 5, idleCPU: 60),
        ]
        let summary = try #require(SlaveHealth.Summary(rows: rows, heartbeatIdleCPU: 70))
        #expect(summary == SlaveHealth.Summary(samples: 2, missed: 1, minIdleCPU: 60, peakSessions: 30, peakSessionsPerSecond: 10))
        #expect(SlaveHealth.Summary(rows: [], heartbeatIdleCPU: 50)?.minIdleCPU == 50)
        #expect(SlaveHealth.Summary(rows: [], heartbeatIdleCPU: nil) == nil)
    }
}
