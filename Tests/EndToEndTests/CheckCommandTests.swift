import Foundation
import TestSupport
import Testing

/// `switchy check` run as a user would.
@Suite(.timeLimit(.minutes(2))) struct CheckCommandTests {
    static let profiles = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("profiles")

    /// Writes `text` to a temporary profile file and returns its path.
    static func temporaryProfile(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-check-\(UUID()).json5")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func demoIsValidAndSummarised() async throws {
        let result = try await CLIRunner.run(["check", Self.profiles.appendingPathComponent("demo.json5").path])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        for fact in ["profile demo", "sim-1", "sim-2", "rate:       20 calls/s", "limit:      100", "hold:       3 s",
                     "after 15 s", "lost:       a call with no end seen 30 s past originate_timeout + hold",
                     "apps:       park 100%", "asr >= 0.99", "is valid"] {
            #expect(result.stdout.contains(fact), "\(fact)")
        }
    }

    @Test func everyShippedProfilePasses() async throws {
        for name in ["demo", "smoke", "stress", "mix"] {
            let result = try await CLIRunner.run(
                ["check", Self.profiles.appendingPathComponent("\(name).json5").path], environment: ["ESL_PASSWORD": "x"])
            #expect(result.status == 0, "\(name): \(result.stderr)")
        }
    }

    @Test func overridesShowInTheSummaryAndPasswordsDoNot() async throws {
        let result = try await CLIRunner.run(
            ["check", Self.profiles.appendingPathComponent("smoke.json5").path, "--slave", "10.9.8.7:8022",
             "--slave", "[::1]", "--rate", "4", "--limit", "33", "--duration", "auto", "--run-time", "9",
             "--max-offered", "20", "--out", "/tmp/switchy-out", "--password-env", "LAB_PW"],
            environment: ["ESL_PASSWORD": "profile-secret-1", "LAB_PW": "cli-secret-2"])
        #expect(result.status == 0, "\(result.stderr)")
        for fact in ["10.9.8.7:8022  password env:LAB_PW", "[::1]:8021", "rate:       4 calls/s", "limit:      33",
                     "hold:       8 s", "after 9 s or after 20 calls offered", "/tmp/switchy-out/"] {
            #expect(result.stdout.contains(fact), "\(fact)")
        }
        #expect(!result.stdout.contains("secret") && !result.stderr.contains("secret"))
    }

    @Test func slaveOnTheCommandLineNeedsNoneOfTheFilesPasswords() async throws {
        let path = try Self.temporaryProfile(
            "{ slaves: [{ host: 'fs', password: 'env:SWITCHY_CHECK_UNSET' }], call: { dest: 'x' }, load: { rate: 1, limit: 1, run_time: 1 } }")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await CLIRunner.run(["check", path, "--slave", "lab.example", "--password-env", "LAB_PW"], environment: ["LAB_PW": "x"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("lab.example:8021  password env:LAB_PW"))
    }

    @Test(arguments: [
        // A negative rate in the file.
        ("{ slaves: [{ sim: {} }], call: { dest: 'x' }, load: { rate: -5, limit: 1, run_time: 1 } }", "load.rate", "got -5"),
        // A slave's port as text.
        ("{ slaves: [{ sim: {} }, { host: 'fs', port: 'x' }], call: { dest: 'x' }, load: { rate: 1, limit: 1, run_time: 1 } }",
         "slaves[1].port", "expected a TCP port"),
        // An unknown app.
        ("{ slaves: [{ sim: {} }], call: { dest: 'x' }, load: { rate: 1, limit: 1, run_time: 1 }, apps: [{ name: 'bogus' }] }",
         "apps[0].name", "unknown app"),
        // Not JSON5 at all.
        ("\u{1}\u{2}binary", "1:1", "unexpected"),
        // A simulator fault it does not know (a typo).
        ("{ slaves: [{ sim: { faults: { drop_att: 1 } } }], call: { dest: 'x' }, load: { rate: 1, limit: 1, run_time: 1 } }",
         "slaves[0].sim.faults.drop_att", "unknown fault; expected one of drop_after_events, drop_at"),
        // A fault flag given as a number.
        ("{ slaves: [{ sim: {} }, { sim: { faults: { refuse_reconnect: 1 } } }], call: { dest: 'x' }, load: { rate: 1, limit: 1, run_time: 1 } }",
         "slaves[1].sim.faults.refuse_reconnect", "expected true or false"),
        // An empty file.
        ("", "1:1", "the file is empty"),
        // A threshold that does not parse (switchy run would refuse it too).
        ("{ slaves: [{ sim: {} }], call: { dest: 'x' }, load: { rate: 1, limit: 1, run_time: 1 }, thresholds: ['asr >> 0.9'] }",
         "thresholds[0]", "got \"asr >> 0.9\""),
        // A limit of twenty digits.
        ("{ slaves: [{ sim: {} }], call: { dest: 'x' }, load: { rate: 1, limit: 99999999999999999999, run_time: 1 } }",
         "load.limit", "got 1e+20"),
        // A rate past Double's range.
        ("{ slaves: [{ sim: {} }], call: { dest: 'x' }, load: { rate: 1e309, limit: 1, run_time: 1 } }",
         "load.rate", "got Infinity"),
        // A misspelt key.
        ("{ slaves: [{ sim: {} }], call: { dest: 'x' }, load: { rate: 1, limit: 1, run_time: 1, limt: 2 } }",
         "load.limt", "did you mean 'limit'?"),
        // A list where an object belongs.
        ("{ slaves: [{ sim: {} }], call: ['x'], load: { rate: 1, limit: 1, run_time: 1 } }", "call", "got a list"),
        // NUL bytes.
        ("\u{0}\u{0}{}", "1:1", "unexpected byte 0x0"),
    ])
    func aBadProfileExitsTwoWithOneLineNamingFileAndField(text: String, field: String, message: String) async throws {
        let path = try Self.temporaryProfile(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await CLIRunner.run(["check", path])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        let line = String(lines.first ?? "")
        #expect(line.hasPrefix("switchy check: \(path):"))
        #expect(line.contains(field) && line.contains(message), "\(line)")
    }

    /// Linting needs no secrets (issue 16): a password from an unset variable is a
    /// warning of `check`, which still checks everything else, and an error of `run`.
    @Test func anUnsetPasswordVariableIsAWarningOfCheckAndAnErrorOfRun() async throws {
        let text = "{ slaves: [{ host: 'fs', password: 'env:SWITCHY_CHECK_UNSET' }], call: { dest: 'x' }, load: { rate: 1, limit: 1, run_time: 1 } }"
        let path = try Self.temporaryProfile(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let check = try await CLIRunner.run(["check", path])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stderr.contains("warning:") && check.stderr.contains("slaves[0].password"))
        #expect(check.stderr.contains("SWITCHY_CHECK_UNSET is not set") && check.stderr.contains("switchy run will need it"))
        #expect(check.stdout.contains("password env:SWITCHY_CHECK_UNSET") && check.stdout.contains("is valid"))
        let broken = try Self.temporaryProfile(text.replacingOccurrences(of: "rate: 1,", with: "rate: -1,"))
        defer { try? FileManager.default.removeItem(atPath: broken) }
        let invalid = try await CLIRunner.run(["check", broken])
        #expect(invalid.status == 2 && invalid.stderr.contains("load.rate"), "the rest is still checked: \(invalid.stderr)")
        let run = try await CLIRunner.run(["run", path, "--out", FileManager.default.temporaryDirectory.path])
        #expect(run.status == 2)
        #expect(run.stderr.contains("SWITCHY_CHECK_UNSET is not set"))
    }

    /// `--out` (or `report.dir`) naming a file, or a folder under one: check says so,
    /// as run would, before anything runs.
    @Test func aResultsFolderThatIsAFileIsRefused() async throws {
        let file = try Self.temporaryProfile("not a folder")
        defer { try? FileManager.default.removeItem(atPath: file) }
        for out in [file, file + "/results"] {
            let check = try await CLIRunner.run(["check", Self.profiles.appendingPathComponent("demo.json5").path, "--out", out])
            #expect(check.status == 2, "\(check.stdout)")
            #expect(check.stderr == "switchy check: report.dir \(out): \(file) is a file, not a folder; switchy run could not write its results there\n")
        }
    }

    /// What preflight will say where check can know it: a sim's own limits, or the
    /// ones `prepare` sets on a remote slave (refused by default, a warning with
    /// `preflight: "warn"`).
    @Test func aShareOverAKnownLimitIsWhatPreflightWillSay() async throws {
        let sim = "{ slaves: [{ sim: { sps: 30 } }], call: { dest: 'echo@{sip}' }, load: { rate: 20, limit: 100, run_time: 5 } }"
        let remote = "{ slaves: [{ host: 'fs' }], call: { dest: 'echo@{sip}' }, load: { rate: 200, limit: 100, run_time: 5 }, prepare: { sps: 250 } }"
        for text in [sim, remote] {
            let path = try Self.temporaryProfile(text)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let check = try await CLIRunner.run(["check", path])
            #expect(check.status == 2, "\(check.stdout)")
            #expect(check.stderr.contains("needs 40 sessions/s (a call to itself is 2 sessions)") || check.stderr.contains("needs 400 sessions/s"))
            #expect(check.stderr.contains("preflight will refuse it"))
            let warned = try Self.temporaryProfile(text.replacingOccurrences(of: "call:", with: "preflight: 'warn', call:"))
            defer { try? FileManager.default.removeItem(atPath: warned) }
            let warning = try await CLIRunner.run(["check", warned])
            #expect(warning.status == 0 && warning.stderr.contains("warning:") && warning.stderr.contains("sessions-per-second limit"))
        }
        let unknown = try Self.temporaryProfile(
            "{ slaves: [{ host: 'fs' }], call: { dest: 'echo@{sip}' }, load: { rate: 200, limit: 100, run_time: 5 } }")
        defer { try? FileManager.default.removeItem(atPath: unknown) }
        let check = try await CLIRunner.run(["check", unknown])
        #expect(check.status == 0 && check.stderr.isEmpty, "a remote slave's own limits are for preflight to read")
    }

    /// Bytes that are not UTF-8 text at all: one line, exit 2, never a crash.
    @Test func binaryGarbageExitsTwoWithOneLine() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-check-\(UUID()).json5")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0xFF, 0xFE, 0x00, 0xC3, 0x28]).write(to: url)
        let result = try await CLIRunner.run(["check", url.path])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.hasPrefix("switchy check: \(url.path):1:1: "), "\(result.stderr)")
    }

    @Test(arguments: [
        // No profile.
        ["check"],
        // A missing file.
        ["check", "/nonexistent/profile.json5"],
        // A rate that is not a number.
        ["check", "PROFILE", "--rate", "fast"],
        // A rate the profile rules refuse.
        ["check", "PROFILE", "--rate", "-1"],
        // A duration that is neither seconds nor auto.
        ["check", "PROFILE", "--duration", "forever"],
        // A bad slave address.
        ["check", "PROFILE", "--slave", "fs:99999"],
        // --password-env naming an unset variable.
        ["check", "PROFILE", "--slave", "fs", "--password-env", "SWITCHY_CHECK_UNSET"],
        // An unknown option.
        ["check", "PROFILE", "--bogus"],
        // Two profiles.
        ["check", "PROFILE", "PROFILE"],
    ])
    func badUsageExitsTwoWithOneLine(arguments: [String]) async throws {
        let demo = Self.profiles.appendingPathComponent("demo.json5").path
        let result = try await CLIRunner.run(arguments.map { $0 == "PROFILE" ? demo : $0 })
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    @Test func help() async throws {
        let result = try await CLIRunner.run(["check", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: switchy check PROFILE"))
        #expect(result.stdout.contains("--max-offered N"))
        let top = try await CLIRunner.run(["--help"])
        #expect(top.stdout.contains("check PROFILE"))
    }
}
