import Foundation
import TestSupport
import Testing

/// `switchy run` on two simulators in real time: the slaves' own figures in
/// `timeline.csv` (a row per slave after each ticked second's run row), in
/// `summary.json`, and a threshold on them.
@Suite(.timeLimit(.minutes(2))) struct HealthRunTests {
    /// sim-1 takes 2 % of idle CPU a session from 90 %: its rows obey that model; both
    /// slaves have a row in every second but the last (the end of the run, after the
    /// sweeper's last tick), and each has its readings counted in summary.json.
    @Test func timelineHasEachSlavesFiguresEverySecond() async throws {
        let scenario = try RunScenario(
            """
            { name: "health",
              slaves: [{ sim: { answer_delay: 0.1, sps: 200, idle_cpu: 90, cpu_per_session: 2 } }, { sim: { answer_delay: 0.1, sps: 200 } }],
              call: { dest: "echo@{sip}" },
              load: { rate: 10, limit: 100, duration: 1, run_time: 3 } }
            """)
        defer { try? FileManager.default.removeItem(at: scenario.folder) }
        let result = try await scenario.run()
        #expect(result.status == 0, "\(result.stderr)")
        let (summary, _) = try scenario.reports()
        let lines = try String(contentsOf: scenario.runFolder().appendingPathComponent("timeline.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let columns = try #require(lines.first)
        #expect(Array(columns.prefix(2)) == ["second", "slave"] && Array(columns.suffix(3)) == ["sessions", "sps", "idle_cpu"])
        let rows = lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(columns, $0)) }
        let seconds = rows.filter { $0["slave"] == "all" }.compactMap { $0["second"] }
        #expect(seconds.count >= 4, "3 s of offering, then the drain")
        for second in seconds.dropLast() {
            let slaves = rows.filter { $0["second"] == second && $0["slave"] != "all" }
            #expect(slaves.compactMap { $0["slave"] } == ["sim-1", "sim-2"], "second \(second)")
            for row in slaves where !(row["sessions"] ?? "").isEmpty {
                #expect(row["target_rate"] == "" && row["offered"] == "", "a slave's row has only its own figures")
                let sessions = try #require(Double(row["sessions"] ?? ""))
                let idle = try #require(Double(row["idle_cpu"] ?? ""))
                #expect(Int(row["sps"] ?? "") != nil)
                if row["slave"] == "sim-1" { #expect(abs(idle - max(0, 90 - 2 * sessions)) < 0.006, "second \(second)") }
            }
        }
        let slaves = try #require(summary["slaves"] as? [String: [String: Any]])
        for name in ["sim-1", "sim-2"] {
            let health = try #require(slaves[name]?["health"] as? [String: Any], "\(name)")
            let samples = try #require(health["samples"] as? Int)
            let missed = try #require(health["missed"] as? Int)
            #expect(samples >= 1 && samples + missed == seconds.count - 1, "\(name): a reading or a gap each second")
            #expect(health["min_idle_cpu"] is Double && health["peak_sessions"] is Int && health["peak_sps"] is Int)
        }
    }

    /// `--threshold "slave_idle_cpu.min >= 10"` against a simulator with 5 % idle CPU
    /// that a session takes to 0: the run fails (exit 1) and says what it measured.
    @Test func aSaturatedSlaveFailsAnIdleCPUThreshold() async throws {
        let scenario = try RunScenario(
            """
            { name: "saturated", slaves: [{ sim: { answer_delay: 0.1, sps: 200, idle_cpu: 5, cpu_per_session: 100 } }],
              call: { dest: "echo@{sip}" }, load: { rate: 5, limit: 100, duration: 1, run_time: 2 } }
            """)
        defer { try? FileManager.default.removeItem(at: scenario.folder) }
        let result = try await scenario.run(["--threshold", "slave_idle_cpu.min >= 10"])
        #expect(result.status == 1, "\(result.stderr)")
        let (summary, _) = try scenario.reports()
        let verdicts = try #require(summary["thresholds"] as? [[String: Any]])
        #expect(verdicts.count == 1 && verdicts[0]["passed"] as? Bool == false)
        #expect((verdicts[0]["measured"] as? Double).map { $0 < 10 } == true)
    }
}
