import Foundation
import TestSupport
import Testing

/// `switchy run`'s options for running one scenario from several hosts: bad values
/// are one-line usage errors naming the option or variable and the form expected; the
/// option wins over the environment; a start time already past starts at once with a
/// warning.
@Suite(.timeLimit(.minutes(2))) struct SegmentOptionsTests {
    static let profile = """
        { name: 'opts', slaves: [{ sim: { answer_delay: 0.05, sps: 500 } }], call: { dest: 'echo@{sip}' },
          load: { rate: 4, run_time: 1, limit: 10, duration: 1 } }
        """

    @Test(arguments: [
        (["--segment", "0/3"], [:], "--segment: expected I/N, 1 ≤ I ≤ N (e.g. 2/5), got '0/3'"),
        (["--segment", "4/3"], [:], "--segment: expected I/N, 1 ≤ I ≤ N (e.g. 2/5), got '4/3'"),
        (["--segment=2"], [:], "--segment: expected I/N, 1 ≤ I ≤ N (e.g. 2/5), got '2'"),
        ([], ["SWITCHY_SEGMENT": "1/0"], "SWITCHY_SEGMENT (environment): expected I/N, 1 ≤ I ≤ N (e.g. 2/5), got '1/0'"),
        (["--start-at", "tomorrow"], [:], "--start-at expects an RFC 3339 time such as 2026-12-05T10:00:00Z"),
        (["--start-at", "2026-12-05T10:00:00"], [:], "got '2026-12-05T10:00:00'"),  // no zone
        (["--run-group", "a b"], [:], "--run-group expects 1 to 128 letters, digits, '.', '_', ':' or '-', got 'a b'"),
        ([], ["SWITCHY_RUN_GROUP": ""], "SWITCHY_RUN_GROUP (environment) expects 1 to 128 letters"),
        // limit 10 cannot give 11 segments one call in flight each (a profile's error:
        // it names the file, not --help)
        (["--segment", "11/11"], [:], "load.limit 10 cannot be split into 11 segments: segment 11/11 would get none"),
    ] as [([String], [String: String], String)])
    func badValuesAreUsageErrors(arguments: [String], environment: [String: String], message: String) async throws {
        let scenario = try RunScenario(Self.profile)
        let result = try await CLIRunner.run(["run", scenario.profile.path] + arguments, environment: environment)
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(message), "\(result.stderr)")
        // A bad option points at --help; a profile that cannot be split, at its file.
        #expect(lines[0].contains(message.hasPrefix("load.") ? scenario.profile.path : "--help"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scenario.results.path), "nothing run")
    }

    /// From the environment (as an orchestrator sets it); a start already past by
    /// years starts at once and says how late it was.
    @Test func environmentAndALateStart() async throws {
        let scenario = try RunScenario(Self.profile)
        let result = try await scenario.run(
            ["--start-at", "2020-01-01T00:00:00Z"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: --start-at 2020-01-01T00:00:00Z had passed by"), "\(result.stderr)")
        #expect(!result.stderr.contains("waiting"))
        let (summary, _) = try scenario.reports()
        #expect(summary["offered"] as? Int == 4 && summary["segment"] == nil && summary["run_group"] == nil)
        #expect((summary["warnings"] as? [String])?.contains { $0.hasPrefix("--start-at 2020-01-01T00:00:00Z had passed by") } == true)

        let fromEnvironment = try RunScenario(Self.profile)
        let envRun = try await CLIRunner.run(
            ["run", fromEnvironment.profile.path, "--out", fromEnvironment.results.path, "--quiet"],
            environment: ["SWITCHY_SEGMENT": "2/3", "SWITCHY_RUN_GROUP": "lab-7"])
        #expect(envRun.status == 0, "\(envRun.stderr)")
        #expect(envRun.stderr.contains("segment............... 2/3 of run group lab-7"), "the end-of-run table: \(envRun.stderr)")
        let (envSummary, _) = try fromEnvironment.reports()
        #expect(envSummary["segment"] as? [String: Int] == ["index": 2, "count": 3])
        #expect(envSummary["run_group"] as? String == "lab-7")
        #expect(envSummary["offered"] as? Int == 1, "calls 2 of ⌊4 × 1⌋ = 4: the 2nd only")
        let html = try String(contentsOf: try fromEnvironment.runFolder().appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<dt>segment</dt><dd>2/3</dd>") && html.contains("<dt>run group</dt><dd>lab-7</dd>"))
    }

    /// The options win over the environment.
    @Test func optionsWinOverTheEnvironment() async throws {
        let scenario = try RunScenario(Self.profile)
        let result = try await CLIRunner.run(
            ["run", scenario.profile.path, "--out", scenario.results.path, "--quiet", "--segment", "1/2", "--run-group", "cli"],
            environment: ["SWITCHY_SEGMENT": "not a segment", "SWITCHY_RUN_GROUP": "env group"])
        #expect(result.status == 0, "\(result.stderr)")
        let (summary, _) = try scenario.reports()
        #expect(summary["segment"] as? [String: Int] == ["index": 1, "count": 2])
        #expect(summary["run_group"] as? String == "cli")
        #expect(summary["offered"] as? Int == 2, "calls 1 and 3 of 4")
    }
}
