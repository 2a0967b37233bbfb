import Foundation
import FreeSwitchSim
@testable import LoadTest
import Testing

/// The slaves' health in whole runs against simulators (``RunSessionHarness``, on a
/// ``ManualRunClock``): a row per slave and second in `timeline.csv`, the summary's
/// figures, and a threshold on the slaves' idle CPU.
@Suite(.timeLimit(.minutes(1))) struct HealthRunTests {
    /// Two seconds of offering: seconds 1 and 2 each have a row per slave, with the
    /// figures each slave reported — sim-1's idle CPU is its model's for the sessions
    /// it had (90 − 2 × sessions), sim-2's barely moves — the summary agrees with the
    /// rows, and the rows read back from `timeline.csv` are the same. The run clock
    /// passes both seconds at once, so a slave that had not answered second 1's read
    /// when second 2 came is not asked again: its second 2 is a gap (never zeros).
    /// Second 1's reads are always answered (the run waits for them at its end).
    @Test func theTimelineHasARowPerSlaveAndSecondWithItsFigures() async throws {
        let slaves = """
            [{ sim: { answer_delay: 0, ring_delay: 0, sps: 1000, idle_cpu: 90, cpu_per_session: 2 } },
             { sim: { answer_delay: 0, ring_delay: 0, sps: 1000 } }]
            """
        let harness = try RunSessionHarness(
            "{ name: 'health', slaves: \(slaves), call: { dest: 'echo@{sip}' }, load: { rate: 10, limit: 100, duration: 1, run_time: 2, grace: 30 } }")
        let outcome = try await harness.run(offering: 2)
        let back = try RunFiles.read(outcome.directory)
        let rows = back.timeline
        #expect(rows.filter { !$0.slaves.isEmpty }.map(\.second) == [1, 2], "the sweeper's seconds")
        for row in rows where !row.slaves.isEmpty {
            #expect(row.slaves.map(\.slave) == ["sim-1", "sim-2"] && row.slaves.allSatisfy { $0.second == row.second })
            let (sim1, sim2) = (row.slaves[0], row.slaves[1])
            if row.second == 1 { #expect(sim1.isSampled && sim2.isSampled) }
            for slave in row.slaves where !slave.isSampled {
                #expect(slave == SlaveHealthRow(second: row.second, slave: slave.slave), "a gap has no figure at all")
            }
            if let sessions = sim1.sessions {
                #expect(sim1.idleCPU == max(0, 90 - 2 * Double(sessions)) && sim1.sessionsPerSecond != nil)
            }
            if let sessions = sim2.sessions {
                #expect(abs((sim2.idleCPU ?? 0) - (98.7 - 0.01 * Double(sessions))) < 0.006 && sim2.sessionsPerSecond != nil)
            }
        }
        let written = try String(contentsOf: outcome.directory.appendingPathComponent("timeline.csv"), encoding: .utf8)
        #expect(written.contains("\n1,sim-1,") && written.contains("\n2,sim-2,"))
        #expect(TimelineFile.csv(rows) == written, "the slaves' rows read back as written")

        let sim1Rows = rows.flatMap(\.slaves).filter { $0.slave == "sim-1" }
        let health = try #require(outcome.summary.slaves["sim-1"]?.health)
        #expect(health.samples == sim1Rows.filter(\.isSampled).count && health.samples + health.missed == 2)
        // The summary's lowest idle CPU is over the status readings and the HEARTBEATs'
        // `Idle-CPU` (one comes every 20 s of real time: a run slowed down by a loaded
        // machine gets one, with the sessions of its moment).
        let heartbeat = outcome.result.slaveHealth.lowestHeartbeatIdleCPU["sim-1"]
        #expect(health.minIdleCPU == (sim1Rows.compactMap(\.idleCPU) + (heartbeat.map { [$0] } ?? [])).min())
        #expect(health.peakSessions == sim1Rows.compactMap(\.sessions).max())
        #expect(health.peakSessionsPerSecond == sim1Rows.compactMap(\.sessionsPerSecond).max())
        #expect(back.summary.slaves["sim-1"]?.health == health, "summary.json keeps it")
    }

    /// `slave_idle_cpu.min >= 10` against one slave: calls are held past the offering
    /// (the hold timer armed says the first is answered) while the run clock moves
    /// through two more seconds, read with calls up. A slave whose idle CPU falls by
    /// 100 % a session saturates at once and fails the rule with 0 measured; one that
    /// barely moves passes it.
    @Test(arguments: [(100.0, false), (0.01, true)])
    func aThresholdOnTheSlavesIdleCPU(cpuPerSession: Double, passes: Bool) async throws {
        let harness = try RunSessionHarness(
            """
            { name: 'saturate', slaves: [{ sim: { answer_delay: 0, ring_delay: 0, sps: 1000, idle_cpu: 100, cpu_per_session: \(cpuPerSession) } }],
              call: { dest: 'echo@{sip}' }, load: { rate: 10, limit: 20, duration: 600, run_time: 1, grace: 2 },
              thresholds: ['slave_idle_cpu.min >= 10'] }
            """)
        let outcome = try await harness.run(offering: 1) { clock in
            await clock.waitForArmedTimers(3)  // the sweeper, the first answer's hold timer, the drain's grace
            clock.advance(by: 2_000_000_000)
        }
        let verdict = try #require(outcome.summary.thresholds.first)
        #expect(verdict.passed == passes && outcome.summary.passed == passes)
        if !passes { #expect(verdict.measured == 0) }
    }
}
