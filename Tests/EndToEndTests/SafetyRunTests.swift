import Foundation
import TestSupport
import Testing

/// Issue 8, reliability and security, as a user meets it: a slave pushed past its
/// sessions-per-second, signals mid-run, the results folder vanishing, passwords that
/// must never show, and `switchy sim` on loopback. Every run checks the accounting
/// invariant (``RunScenario/reports(under:)``).
@Suite(.timeLimit(.minutes(3))) struct SafetyRunTests {
    /// One simulated slave calling a far end (one session per call) at 20 calls/s, when
    /// it accepts 5 sessions a second (FreeSWITCH's budget lets 4 through).
    static let overSPS = """
        slaves: [{ sim: { answer_delay: 0.1, sps: 5 } }], call: { dest: "echo@192.0.2.10" },
        load: { rate: 20, limit: 100, duration: 1, run_time: 2 },
        """

    // MARK: A slave over its sessions-per-second

    @Test func overSessionsPerSecondOnPurposeFailsCallsWithDestinationOutOfOrder() async throws {
        let scenario = try RunScenario("{ name: 'sps', \(Self.overSPS) preflight: 'warn' }")
        let result = try await scenario.run()
        #expect(result.status == 1, "the default threshold failed == 0 fails: \(result.stderr)")
        #expect(result.stderr.contains("warning: sim-1:") && result.stderr.contains("sessions-per-second limit (5)"))
        let (summary, rows) = try scenario.reports()
        let failed = rows.filter { $0["outcome"] == "failed" }
        #expect(!failed.isEmpty && failed.count < rows.count, "some calls fit in the budget, the others fail")
        for row in failed {
            #expect(row["hangup_cause"] == "DESTINATION_OUT_OF_ORDER")
            #expect(row["error"] == "'-ERR DESTINATION_OUT_OF_ORDER", "FreeSWITCH's reply, neutralised for spreadsheets")
        }
        let outcomes = try #require(summary["outcomes"] as? [String: Int])
        let causes = try #require(summary["hangup_causes"] as? [String: Int])
        #expect(outcomes["failed"] == failed.count)
        #expect(causes["DESTINATION_OUT_OF_ORDER"] == failed.count, "visible by cause")
        #expect(result.stderr.contains("DESTINATION_OUT_OF_ORDER \(failed.count)"), "in the summary table")
    }

    @Test func overSessionsPerSecondIsRefusedBeforeAnyCallByDefault() async throws {
        let scenario = try RunScenario("{ name: 'spsrefused', \(Self.overSPS) }")
        let result = try await scenario.run()
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("sim-1") && result.stderr.contains("sessions-per-second limit (5)"))
        #expect(result.stderr.contains("raise it with its sim.sps"))
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: scenario.results.path)) ?? []
        #expect(leftovers.isEmpty, "no call, no run folder")
    }

    // MARK: Signals

    /// Long enough to be interrupted, short holds so a drain ends quickly.
    static let interruptible = "load: { rate: 20, limit: 100, duration: 1, run_time: 60 } }"

    @Test(arguments: [SIGINT, SIGTERM])
    func oneSignalMidRunDrainsAndExitsFour(signal: Int32) async throws {
        let scenario = try RunScenario("{ name: 'drain', \(RunScenario.twoSims) \(Self.interruptible)")
        let running = try CLIRunner.start(["run", scenario.profile.path, "--out", scenario.results.path])
        #expect(await running.waitForError(containing: "target"))
        running.signal(signal)
        let result = await running.finished()
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("stopping: no more calls; waiting for calls to end"))
        #expect(!result.stderr.contains("hanging up"), "one signal drains, it does not hang up")
        #expect(result.stderr.contains("— interrupted"))
        let (summary, rows) = try scenario.reports()
        #expect(summary["interrupted"] as? Bool == true)
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0["outcome"] == "answered" && $0["hangup_cause"] == "ALLOTTED_TIMEOUT" },
                "a drain lets every call end by itself")
        // Issue 14 §3: an interrupted run does not pass, and every report says when and why.
        let name = signal == SIGTERM ? "SIGTERM" : "SIGINT (Ctrl-C)"
        #expect(result.stderr.contains("verdict: INTERRUPTED") && !result.stderr.contains("verdict: PASS"))
        #expect(result.stderr.contains("— interrupted by \(name) at "))
        #expect(summary["passed"] as? Bool == false)
        let interruption = try #require(summary["interruption"] as? [String: Any])
        #expect(interruption["reason"] as? String == name)
        let at = try #require(interruption["at_s"] as? Double)
        let duration = try #require(summary["duration_s"] as? Double)
        #expect(at > 0 && at <= duration, "when, in seconds from the start")
        let folder = try scenario.runFolder()
        let junit = try String(contentsOf: folder.appendingPathComponent("junit.xml"), encoding: .utf8)
        #expect(junit.contains("errors=\"1\"") && junit.contains("<error message=\"interrupted by \(name) at "))
        let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains(">INTERRUPTED</div>") && !html.contains(">PASS</div>"))
    }

    /// Holds and grace far longer than any test: the calls are still up, and the drain
    /// still waiting, whenever the second signal comes (under two test suites at once a
    /// 30 s hold once ended before it did).
    @Test func sigtermThenSigintHangsUpAtOnceAndExitsFour() async throws {
        let scenario = try RunScenario("""
            { name: 'termint', \(RunScenario.twoSims) load: { rate: 20, limit: 100, duration: 600, run_time: 60, grace: 600 } }
            """)
        let running = try CLIRunner.start(["run", scenario.profile.path, "--out", scenario.results.path])
        #expect(await running.waitForError(containing: "target"))
        running.signal(SIGTERM)
        #expect(await running.waitForError(containing: "stopping"))
        running.signal(SIGINT)
        let result = await running.finished()
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("hanging up the calls of this run now"))
        let (summary, rows) = try scenario.reports()
        #expect(summary["interrupted"] as? Bool == true)
        #expect(!rows.isEmpty)
    }

    // MARK: The results folder

    @Test func resultsFolderRemovedMidRunGoesToTheFallbackWithEveryRow() async throws {
        let scenario = try RunScenario("{ name: 'vanish', \(RunScenario.twoSims) \(Self.interruptible)")
        let temporary = scenario.folder.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        let running = try CLIRunner.start(
            ["run", scenario.profile.path, "--out", scenario.results.path], environment: ["TMPDIR": temporary.path])
        #expect(await running.waitForError(containing: "target"))
        try FileManager.default.removeItem(at: scenario.results)
        // Seen by the next per-second check, while calls are still being offered.
        #expect(await running.waitForError(containing: "was removed during the run"))
        running.signal(SIGINT)
        let result = await running.finished()
        #expect(result.status == 4, "the run's own verdict (here: interrupted): \(result.stderr)")
        let fallback = temporary.appendingPathComponent("switchy-results")
        let folder = try scenario.runFolder(under: fallback)
        #expect(result.stderr.contains("the reports were written to \(folder.path) instead"))
        #expect(result.stderr.contains("reports: \(folder.path)"))
        #expect(!FileManager.default.fileExists(atPath: scenario.results.path), "the removed folder stays removed")
        let (summary, rows) = try scenario.reports(under: fallback)
        #expect(rows.count > 20, "rows from before and after the removal")
        let warnings = try #require(summary["warnings"] as? [String])
        #expect(warnings.contains { $0.hasPrefix("reports written to \(folder.path)") })
        for name in ["junit.xml", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path))
        }
    }

    // MARK: Passwords

    /// A `switchy sim` slave with `password`, on a free loopback port.
    struct SimProcess {
        let running: CLIRunner.Running
        let port: Int

        init(password: String) async throws {
            running = try CLIRunner.start(["sim", "--port", "0", "--password", password])
            // The notice comes after the slave's line.
            guard await running.waitForError(containing: "loopback only"),
                let output = await running.waitForOutput(containing: "\n"),
                let port = output.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
            else { throw SimFailed() }
            self.port = port
        }

        /// Stops it (SIGINT); it exits at once, and its end is not waited for.
        func stop() {
            running.signal(SIGINT)
        }

        struct SimFailed: Error {}
    }

    /// Everything a run left: stdout, stderr and every file under its results folder.
    static func everything(_ result: CLIRunner.Result, under folder: URL) throws -> [(String, String)] {
        var outputs = [("stdout", result.stdout), ("stderr", result.stderr)]
        if let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) {
            for case let file as URL in files where !file.hasDirectoryPath {
                outputs.append((file.path, String(decoding: try Data(contentsOf: file), as: UTF8.self)))
            }
        }
        return outputs
    }

    @Test func passwordsNeverAppearInAnyOutputOrReport() async throws {
        let password = "Pw-\(UUID().uuidString.prefix(13))-secret"
        let wrong = "Wrong-\(UUID().uuidString.prefix(13))-secret"
        let sim = try await SimProcess(password: password)
        defer { sim.stop() }
        let slave = "host: '127.0.0.1', port: \(sim.port)"
        let load = "call: { dest: 'echo@192.0.2.10' }, load: { rate: 10, limit: 20, duration: 1, run_time: 1 }"

        // 1. env:VAR in the profile.
        let viaEnv = try RunScenario("{ name: 'pwenv', slaves: [{ \(slave), password: 'env:SWITCHY_TEST_PW' }], \(load) }")
        let envRun = try await CLIRunner.run(
            ["run", viaEnv.profile.path, "--out", viaEnv.results.path], environment: ["SWITCHY_TEST_PW": password])
        #expect(envRun.status == 0, "\(envRun.stderr)")
        let (envSummary, _) = try viaEnv.reports()
        let slaves = (envSummary["profile"] as? [String: Any])?["slaves"] as? [[String: Any]]
        #expect(slaves?.first?["password"] as? String == "env:SWITCHY_TEST_PW", "the source, never the value")

        // 2. file:PATH in the profile, relative to it.
        let viaFile = try RunScenario("{ name: 'pwfile', slaves: [{ \(slave), password: 'file:lab.pw' }], \(load) }")
        try (password + "\n").write(to: viaFile.folder.appendingPathComponent("lab.pw"), atomically: true, encoding: .utf8)
        let fileRun = try await CLIRunner.run(["run", viaFile.profile.path, "--out", viaFile.results.path])
        #expect(fileRun.status == 0, "\(fileRun.stderr)")
        _ = try viaFile.reports()

        // 3. --password-env for --slave.
        let viaOption = try RunScenario("{ name: 'pwopt', slaves: [{ host: 'unused' }], \(load) }")
        let optionRun = try await CLIRunner.run(
            ["run", viaOption.profile.path, "--out", viaOption.results.path, "--slave", "127.0.0.1:\(sim.port)",
             "--password-env", "LAB_PW"],
            environment: ["LAB_PW": password])
        #expect(optionRun.status == 0, "\(optionRun.stderr)")
        _ = try viaOption.reports()

        // 4. A slave refusing the password: the error path prints, the password does not.
        let refused = try RunScenario("{ name: 'pwbad', slaves: [{ \(slave), password: 'env:SWITCHY_TEST_PW' }], \(load) }")
        let refusedRun = try await CLIRunner.run(
            ["run", refused.profile.path, "--out", refused.results.path], environment: ["SWITCHY_TEST_PW": wrong])
        #expect(refusedRun.status == 3, "\(refusedRun.stderr)")
        #expect(refusedRun.stderr.contains("127.0.0.1:\(sim.port)") && refusedRun.stderr.contains("authentication failed"))

        for (scenario, result) in [(viaEnv, envRun), (viaFile, fileRun), (viaOption, optionRun), (refused, refusedRun)] {
            for (name, text) in try Self.everything(result, under: scenario.results) {
                #expect(!text.contains(password) && !text.contains(wrong), "a password in \(name)")
            }
        }
    }

    // MARK: switchy sim

    @Test func simListensOnLoopbackOnlyByDefaultAndSaysSo() async throws {
        let sim = try await SimProcess(password: "ClueCon")
        // /proc/net/tcp: the listening socket's local address is 127.0.0.1 (0100007F).
        let table = Self.procNetTCP()
        let port = String(format: "%04X", sim.port)
        sim.running.signal(SIGINT)
        let result = await sim.running.finished()
        let listening = table.split(separator: "\n").filter { $0.contains(":\(port) ") && $0.contains(" 0A ") }
        #expect(listening.count == 1 && listening.allSatisfy { $0.contains(" 0100007F:\(port) ") }, "\(listening)")
        #expect(result.status == 0)
        #expect(result.stdout.contains("slave 1: 127.0.0.1:\(sim.port)"))
        #expect(result.stderr.contains("switchy sim: listening on loopback only (127.0.0.1)"))
    }

    /// `/proc/net/tcp`, read to its end (its size shows as 0, so read in chunks: a
    /// busy machine's table is longer than one read).
    static func procNetTCP() -> String {
        guard let handle = FileHandle(forReadingAtPath: "/proc/net/tcp") else { return "" }
        defer { try? handle.close() }
        var data = Data()
        while let chunk = try? handle.read(upToCount: 65_536), !chunk.isEmpty { data.append(chunk) }
        return String(decoding: data, as: UTF8.self)
    }

    @Test func simOnAnotherAddressWarnsThatItIsExposed() async throws {
        let running = try CLIRunner.start(["sim", "--port", "0", "--host", "0.0.0.0"])
        #expect(await running.waitForError(containing: "warning"))
        running.signal(SIGINT)
        let result = await running.finished()
        #expect(result.status == 0)
        #expect(result.stderr.contains("switchy sim: warning: listening on 0.0.0.0: anyone who can reach this machine can connect"))
    }
}
