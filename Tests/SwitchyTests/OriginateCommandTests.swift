import Switchy
import TestSupport
import Testing

@Suite struct OriginateCommandTests {
    /// The exact line capture 11 sent to a real FreeSWITCH 1.10.12 (the loop-back call
    /// whose both legs were tracked) is what the builder makes.
    @Test func matchesTheLineOfCapture11() throws {
        let sent = try SentScript.load("11").sends[2].text
        let expected = String(sent.dropFirst("bgapi ".count).prefix { $0 != "\n" })
        let command = try OriginateCommand(
            endpoint: .profile("external", dest: "echo@127.0.0.1:5080"), target: .app("park"),
            runID: "run-7f3a", appID: "app-1", timeout: 10, holdSeconds: 2)
        #expect(command.command(uuid: "5b1e0c7a-2f43-4d55-9a0e-1c2d3e4f5a6b") == expected)
    }

    @Test(arguments: [
        // gateway, no app id, no X- headers, default early media handling
        (
            try! OriginateCommand(
                endpoint: .gateway("carrier1", number: "15551234"), target: .app("echo"), runID: "r", xHeaders: false),
            "originate {origination_uuid=U,ignore_early_media=true,switchy_run=r}sofia/gateway/carrier1/15551234 &echo()"
        ),
        // proxy and a dialplan extension
        (
            try! OriginateCommand(
                endpoint: .profile("internal", dest: "1000@10.0.0.2"), proxy: "10.0.0.9:5060",
                target: .dialplan(extension: "9196", context: "public"), runID: "r", ignoreEarlyMedia: false,
                xHeaders: false),
            "originate {origination_uuid=U,switchy_run=r}sofia/internal/1000@10.0.0.2;fs_path=sip:10.0.0.9:5060 9196 XML public"
        ),
        // commas, spaces and quotes in values; app args with a space (FreeSWITCH ends
        // the args at the first ')', so a tone_stream with parentheses cannot be an
        // originate app argument: TonePlay broadcasts it after answer instead)
        (
            try! OriginateCommand(
                endpoint: .profile("external", dest: "tone@h"),
                target: .app("playback", args: "/tmp/a b,c.wav"), runID: "r", xHeaders: false,
                variables: [("origination_caller_id_name", "Load, Test 'A'")]),
            #"originate {origination_uuid=U,ignore_early_media=true,switchy_run=r,origination_caller_id_name=Load\,\sTest\s\'A\'}sofia/external/tone@h &playback(/tmp/a\sb,c.wav)"#
        ),
    ])
    func rendersFreeSWITCHSyntax(command: OriginateCommand, expected: String) {
        #expect(command.command(uuid: "U") == expected)
    }

    @Test func refusesValuesThatWouldBreakTheLine() {
        let cases: [() throws -> OriginateCommand] = [
            { try OriginateCommand(endpoint: .profile("external", dest: "a b@h"), target: .app("park"), runID: "r") },
            { try OriginateCommand(endpoint: .profile("external", dest: "a@h"), target: .app("park"), runID: "") },
            { try OriginateCommand(endpoint: .profile("ext", dest: "a@h"), target: .app("park"), runID: "r", variables: [("x", "a}b")]) },
            { try OriginateCommand(endpoint: .profile("ext", dest: "a@h"), target: .app("park"), runID: "r", variables: [("x", "a\nb")]) },
            { try OriginateCommand(endpoint: .profile("ext", dest: "a@h"), target: .app("park"), runID: "r", variables: [("bad name", "v")]) },
            { try OriginateCommand(endpoint: .profile("ext", dest: "a@h"), target: .app("park", args: "a)b"), runID: "r") },
            { try OriginateCommand(endpoint: .profile("ext", dest: "a@h"), target: .app("park"), runID: "r", timeout: 0) },
        ]
        for make in cases {
            #expect(throws: OriginateCommand.InvalidValue.self) { _ = try make() }
        }
    }
}
