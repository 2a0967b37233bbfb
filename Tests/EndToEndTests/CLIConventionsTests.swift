import Foundation
import TestSupport
import Testing

/// What every subcommand shares, as a user of other CLIs expects it: `--name=value`,
/// "unknown option" with a suggestion, one-line usage errors, `help`/`version`, and
/// help texts that fit an 80-column terminal.
@Suite struct CLIConventionsTests {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("profiles/demo.json5").path

    @Test func optionsTakeTheirValueAfterAnEqualsSignToo() async throws {
        let spaced = try await CLIRunner.run(["check", Self.demo, "--rate", "7", "--limit", "30"])
        let joined = try await CLIRunner.run(["check", Self.demo, "--rate=7", "--limit=30"])
        #expect(joined.status == 0 && spaced.status == 0, "\(joined.stderr)")
        #expect(joined.stdout == spaced.stdout)
        #expect(joined.stdout.contains("7"))
    }

    @Test(arguments: [
        (["check", "PROFILE", "--rat", "5"], "unknown option '--rat'; did you mean '--rate'?"),
        (["check", "PROFILE", "--rat=5"], "unknown option '--rat'; did you mean '--rate'?"),
        (["rn", "PROFILE"], "unknown subcommand 'rn'; did you mean 'run'?"),
        (["report", "x", "--ou", "y"], "unknown option '--ou'; did you mean '--out'?"),
        (["check", "PROFILE", "--quiet=yes"], "--quiet takes no value"),
        (["check", "PROFILE", "--rate="], "--rate expects a number of calls per second, got ''"),
        (["sim", "--port", "80000"], "--port expects an integer from 0 to 65535, got '80000'"),
        (["sim", "--port=65536"], "--port expects an integer from 0 to 65535, got '65536'"),
        (["sim", "--slaves", "2", "--port", "65535"], "past 65535"),
        (["api", "--timeout"], "--timeout needs a value"),
        (["events", "--count=0", "host"], "--count expects a number > 0, got '0'"),
        (["check", "PROFILE", "--threshold", "asr >>> 1"], "--threshold:"),
    ])
    func aUsageErrorIsOneLineNamingTheProblem(arguments: [String], message: String) async throws {
        let result = try await CLIRunner.run(arguments.map { $0 == "PROFILE" ? Self.demo : $0 })
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(message) && lines[0].contains("--help"), "\(result.stderr)")
    }

    @Test func versionAndHelpAsSubcommandsAndFlags() async throws {
        for arguments in [["version"], ["--version"], ["-V"]] {
            let result = try await CLIRunner.run(arguments)
            #expect(result.status == 0 && result.stdout.hasPrefix("switchy "), "\(arguments)")
        }
        let help = try await CLIRunner.run(["help", "run"])
        let runHelp = try await CLIRunner.run(["run", "--help"])
        #expect(help.status == 0 && help.stdout == runHelp.stdout)
        #expect(help.stdout.hasPrefix("USAGE: switchy run"))
    }

    @Test(arguments: [[], ["run"], ["check"], ["report"], ["api"], ["events"], ["sim"]])
    func everyHelpFitsEightyColumns(subcommand: [String]) async throws {
        let result = try await CLIRunner.run(subcommand + ["--help"])
        #expect(result.status == 0)
        let wide = result.stdout.split(separator: "\n").filter { $0.count > 80 }
        #expect(wide.isEmpty, "\(wide)")
    }

    @Test func checkListsTheThresholdsItWasGiven() async throws {
        let result = try await CLIRunner.run(["check", Self.demo, "--threshold=answer_ms.p99 < 500"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("answer_ms.p99 < 500"))
    }
}
