import ESL
import Testing

@Suite struct CommandTests {
    /// Each command's exact bytes; rows checked against what the recording client of
    /// the captures sent (`.sent.txt`) where the capture has the command.
    @Test(arguments: [
        (try! Command.auth(password: "ClueCon"), "auth ClueCon\n\n"),  // 01
        (try! Command.api("status"), "api status\n\n"),  // 01
        (try! Command.bgapi("status", jobUUID: "my-own-job-0001"), "bgapi status\nJob-UUID: my-own-job-0001\n\n"),
        (try! Command.event(.plain, ["ALL"]), "event plain ALL\n\n"),  // 02
        (try! Command.event(.json, ["CHANNEL_CREATE", "BACKGROUND_JOB"]), "event json CHANNEL_CREATE BACKGROUND_JOB\n\n"),
        (try! Command.filter("variable_switchy_run", "run-1"), "filter variable_switchy_run run-1\n\n"),  // 16
        (try! Command.filterDelete("Unique-ID"), "filter delete Unique-ID\n\n"),
        (try! Command.filterDelete("Unique-ID", "abc"), "filter delete Unique-ID abc\n\n"),
        (Command.filterDeleteAll, "filter delete all\n\n"),
        (try! Command.nixevent(["HEARTBEAT"]), "nixevent HEARTBEAT\n\n"),
        (Command.noevents, "noevents\n\n"),
        (Command.exit, "exit\n\n"),  // 01
        (try! Command.log("info"), "log info\n\n"),
        (Command.nolog, "nolog\n\n"),
    ])
    func encodesExactBytes(command: Command, expected: String) {
        #expect(command.bytes == Array(expected.utf8))
    }

    @Test func aLineBreakInAnArgumentIsRefusedNotInjected() {
        #expect(throws: ESLError.self) { try Command.api("status\n\nbgapi hupall") }
        #expect(throws: ESLError.self) { try Command.filter("Unique-ID", "x\ry") }
        #expect(throws: ESLError.self) { try Command.bgapi("status", jobUUID: "a\nb") }
    }

    /// The byte scan agrees with `Character.isNewline` on every line break Unicode has
    /// and on multi-byte characters that share a lead byte with one.
    @Test(arguments: [
        "plain", "", "a\nb", "a\rb", "a\r\nb", "\u{0B}", "\u{0C}", "x\u{85}", "x\u{2028}y", "x\u{2029}",
        "é", "€ 100", "\u{2027}\u{202A}", "\u{84}\u{86}", "tab\there", "trailing\n", "日本語",
    ])
    func lineBreaksAreFoundAsCharacterFindsThem(text: String) {
        #expect(Command.hasLineBreak(text) == text.contains(where: \.isNewline))
    }

    @Test func aPasswordWithALineBreakIsRefusedWithoutEchoingIt() {
        #expect(throws: ESLError.invalidCommand("the password holds a line break")) {
            try Command.auth(password: "sec\nret")
        }
    }

    @Test func theAuthPasswordIsNeverInTheDescription() throws {
        let auth = try Command.auth(password: "s3cr3t")
        #expect(!auth.description.contains("s3cr3t"))
        #expect(!String(describing: auth).contains("s3cr3t"))
    }

    @Test func jobUUIDsAreOneTo255Characters() throws {
        #expect(throws: ESLError.self) { try Command.bgapi("status", jobUUID: "") }
        #expect(throws: ESLError.self) { try Command.bgapi("status", jobUUID: String(repeating: "a", count: 256)) }
        _ = try Command.bgapi("status", jobUUID: String(repeating: "a", count: 255))
    }
}
