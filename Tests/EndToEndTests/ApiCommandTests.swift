import FreeSwitchSim
import TestSupport
import Testing

/// `switchy api` run as a user would, against replayed FreeSWITCH bytes.
@Suite(.timeLimit(.minutes(2))) struct ApiCommandTests {
    static let greeting = Array("Content-Type: auth/request\n\n".utf8)
    static let accepted = Array("Content-Type: command/reply\nReply-Text: +OK accepted\n\n".utf8)

    @Test func helpAndVersion() async throws {
        let help = try await CLIRunner.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("api HOST[:PORT] COMMAND..."))
        let apiHelp = try await CLIRunner.run(["api", "--help"])
        #expect(apiHelp.status == 0)
        #expect(apiHelp.stdout.contains("--password-env VAR"))
        let version = try await CLIRunner.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("switchy "))
    }

    @Test func serverDownExitsThreeWithOneLineNamingHostAndPort() async throws {
        let peer = try RefusingPort()
        defer { withExtendedLifetime(peer) {} }
        let result = try await CLIRunner.run(["api", "127.0.0.1:\(peer.port)", "status"])
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("127.0.0.1:\(peer.port)") == true)
        #expect(lines.first?.contains("connection refused") == true)
    }

    /// `bgapi` as fs_cli runs it: the job's uuid at once; with `--wait`, then the job's
    /// result (a failing job's `-ERR` exits 1).
    @Test func bgapiPrintsTheJobAndWithWaitItsResult() async throws {
        let sim = try SimSlave.start()
        defer { sim.stop() }
        let address = "127.0.0.1:\(sim.port)"
        let plain = try await CLIRunner.run(["api", address, "bgapi", "status"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.hasPrefix("+OK Job-UUID: ") && plain.stdout.split(separator: "\n").count == 1)
        let waited = try await CLIRunner.run(["api", address, "bgapi", "status", "--wait"])
        #expect(waited.status == 0, "\(waited.stderr)")
        let lines = waited.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.hasPrefix("+OK Job-UUID: ") == true)
        #expect(lines.dropFirst().first?.hasPrefix("UP ") == true, "the result of `status`: \(waited.stdout)")
        let failing = try await CLIRunner.run(["api", address, "bgapi", "originate", "sofia/external/nobody@192.0.2.1", "&park()", "--wait"])
        #expect(failing.status == 1, "\(failing.stdout)\(failing.stderr)")
        #expect(failing.stdout.contains("\n-ERR "))
        let misplaced = try await CLIRunner.run(["api", address, "status", "--wait"])
        #expect(misplaced.status == 2 && misplaced.stderr.contains("--wait is for bgapi"))
    }

    @Test func printsTheBodyLikeFsCli() async throws {
        let status = try #require(try CaptureFrames.frames("01").first { $0.contentType == .apiResponse })
        let peer = try ScriptedPeer(steps: [
            .write(Self.greeting), .readCommand, .write(Self.accepted), .readCommand, .write(status.rawBytes),
        ])
        let result = try await CLIRunner.run(["api", "127.0.0.1:\(peer.port)", "status"])
        #expect(result.status == 0)
        #expect(result.stdout == status.bodyText)
        #expect(peer.commands == ["auth ClueCon\n\n", "api status\n\n"])
    }

    @Test func aBodyWithoutNewlineGetsOneAndErrExitsOne() async throws {
        let frames = try CaptureFrames.frames("01").filter { $0.contentType == .apiResponse }
        let getvar = frames[1]  // "192.0.2.2", no trailing newline
        let unknown = frames[2]  // "-ERR not_a_real_command Command not found!\n"
        let first = try ScriptedPeer(steps: [
            .write(Self.greeting), .readCommand, .write(Self.accepted), .readCommand, .write(getvar.rawBytes),
        ])
        let ok = try await CLIRunner.run(["api", "127.0.0.1:\(first.port)", "global_getvar", "local_ip_v4"])
        #expect(ok.status == 0)
        #expect(ok.stdout == "192.0.2.2\n")
        #expect(first.commands.last == "api global_getvar local_ip_v4\n\n")

        let second = try ScriptedPeer(steps: [
            .write(Self.greeting), .readCommand, .write(Self.accepted), .readCommand, .write(unknown.rawBytes),
        ])
        let failed = try await CLIRunner.run(["api", "127.0.0.1:\(second.port)", "not_a_real_command"])
        #expect(failed.status == 1)
        #expect(failed.stdout == "-ERR not_a_real_command Command not found!\n")
    }

    @Test func wrongPasswordExitsThreeAndNeverPrintsThePassword() async throws {
        let peer = try ScriptedPeer.replay("07")
        let result = try await CLIRunner.run(
            ["api", "127.0.0.1:\(peer.port)", "status", "--password-env", "LAB_PW"],
            environment: ["LAB_PW": "wrong"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("authentication failed"))
        #expect(!result.stderr.contains("wrong") && !result.stdout.contains("wrong"))
        #expect(peer.commands == ["auth wrong\n\n"])
    }

    @Test(arguments: [
        ["api"],
        ["api", "127.0.0.1"],
        ["api", "127.0.0.1:notaport", "status"],
        ["api", "127.0.0.1:70000", "status"],
        ["api", "--timeout", "-1", "127.0.0.1", "status"],
        ["api", "--password-env", "SWITCHY_TEST_UNSET_VARIABLE", "127.0.0.1", "status"],
        ["api", "--bogus", "127.0.0.1", "status"],
        ["no-such-subcommand"],
    ])
    func badUsageExitsTwo(arguments: [String]) async throws {
        let result = try await CLIRunner.run(arguments)
        #expect(result.status == 2)
        #expect(!result.stderr.isEmpty)
    }
}
