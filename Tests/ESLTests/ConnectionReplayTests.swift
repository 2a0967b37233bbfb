import ESL
import TestSupport
import Testing

/// `Connection` against real FreeSWITCH bytes, replayed by a loopback peer.
@Suite(.timeLimit(.minutes(2))) struct ConnectionReplayTests {
    @Test func authApiAndExitAsInCapture01() async throws {
        let peer = try ScriptedPeer.replay("01")
        let recorder = EventRecorder()
        let connection = try await Connection.connect(
            host: "127.0.0.1", port: peer.port, password: "ClueCon", onEvent: recorder.onEvent,
            onClose: recorder.onClose)

        let status = try await connection.send(.api("status"))
        #expect(status.contentType == .apiResponse)
        #expect(status.bodyText.hasPrefix("UP 0 years, 0 days, 0 hours, 0 minutes, 13 seconds"))
        #expect(status.bodyText.contains("FreeSWITCH (Version 1.10.12-release  64bit) is ready\n"))

        let ip = try await connection.send(.api("global_getvar local_ip_v4"))
        #expect(ip.bodyText == "192.0.2.2", "global_getvar has no trailing newline")

        let unknown = try await connection.send(.api("not_a_real_command"))
        #expect(unknown.bodyText == "-ERR not_a_real_command Command not found!\n")

        let channels = try await connection.send(.api("show channels as json"))
        #expect(channels.bodyText == "{\"row_count\": 0}\n")

        let bye = try await connection.send(.exit)
        #expect(bye.replyText == "+OK bye")

        let closed = await recorder.waitForClose()
        #expect(closed == .disconnected(
            endpoint: "127.0.0.1:\(peer.port)",
            reason: "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/"))
        #expect(!connection.isOpen)
        await #expect(throws: closed) { try await connection.send(.api("status")) }

        // What we wrote is byte for byte what the recording client wrote.
        await peer.waitUntilFinished()
        let sent = try SentScript.load("01").sends.map(\.text)
        #expect(peer.commands == sent)
    }

    @Test func completionSendsMatchRepliesInOrderToo() async throws {
        let peer = try ScriptedPeer.replay("01")
        let connection = try await Connection.connect(host: "127.0.0.1", port: peer.port, password: "ClueCon")
        let status = try await body(of: .api("status"), on: connection)
        let ip = try await body(of: .api("global_getvar local_ip_v4"), on: connection)
        #expect(status.contains("is ready"))
        #expect(ip == "192.0.2.2")
        connection.close()
        let refused = await withCheckedContinuation { (continuation: CheckedContinuation<ESLError?, Never>) in
            connection.send(.exit) { result in
                guard case .failure(let error) = result else { return continuation.resume(returning: nil) }
                continuation.resume(returning: error)
            }
        }
        #expect(refused != nil, "a send on a closed connection completes with an error at once")
    }

    /// Sends with the completion form and waits for it.
    private func body(of command: Command, on connection: Connection) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            connection.send(command) { result in
                continuation.resume(with: result.map(\.bodyText).mapError { $0 as any Error })
            }
        }
    }

    @Test func wrongPasswordIsAuthenticationFailed() async throws {
        let peer = try ScriptedPeer.replay("07")
        await #expect(throws: ESLError.authenticationFailed(endpoint: "127.0.0.1:\(peer.port)")) {
            _ = try await Connection.connect(host: "127.0.0.1", port: peer.port, password: "wrong")
        }
        await peer.waitUntilFinished()
        #expect(peer.commands == ["auth wrong\n\n"])
    }

    @Test func eventsArriveInWireOrderBetweenReplies() async throws {
        // Capture 02: `event plain ALL`, one answered call, `uuid_kill`, a heartbeat.
        let peer = try ScriptedPeer.replay("02")
        let script = try SentScript.load("02")
        let recorder = EventRecorder()
        let connection = try await Connection.connect(
            host: "127.0.0.1", port: peer.port, password: "ClueCon", onEvent: recorder.onEvent,
            onClose: recorder.onClose)
        var replies: [Frame] = []
        for send in script.sends.dropFirst() {  // the first is auth
            replies.append(try await connection.send(try rawCommand(send.text)))
        }
        _ = await recorder.waitForClose()
        #expect(replies.map(\.contentType) == [.commandReply, .commandReply, .apiResponse, .commandReply])
        #expect(replies[1].replyText?.hasPrefix("+OK Job-UUID: ") == true)
        let names = recorder.events.compactMap(\.name)
        #expect(names == [
            "CHANNEL_OUTGOING", "CHANNEL_STATE", "CHANNEL_CREATE", "CHANNEL_ORIGINATE", "CHANNEL_STATE",
            "CHANNEL_STATE", "CODEC", "CODEC", "CHANNEL_ANSWER", "CHANNEL_CALLSTATE", "CALL_UPDATE", "API",
            "BACKGROUND_JOB", "CHANNEL_STATE", "CHANNEL_EXECUTE", "CHANNEL_PARK", "CHANNEL_HANGUP", "API",
            "CHANNEL_UNPARK", "CHANNEL_EXECUTE_COMPLETE", "CHANNEL_STATE", "CHANNEL_CALLSTATE", "CHANNEL_STATE",
            "CHANNEL_HANGUP_COMPLETE", "CHANNEL_DESTROY", "CHANNEL_STATE", "HEARTBEAT", "RE_SCHEDULE",
        ])
    }

    @Test func burstOfTwentyBgapiRepliesMatchFIFOAmongFiveHundredEvents() async throws {
        let peer = try ScriptedPeer.replay("06")
        let script = try SentScript.load("06")
        let recorder = EventRecorder()
        let connection = try await Connection.connect(
            host: "127.0.0.1", port: peer.port, password: "ClueCon", onEvent: recorder.onEvent,
            onClose: recorder.onClose)
        var jobReplies: [String] = []
        for send in script.sends.dropFirst() {
            let reply = try await connection.send(try rawCommand(send.text))
            if send.text.hasPrefix("bgapi") { jobReplies.append(reply.replyText ?? "") }
        }
        _ = await recorder.waitForClose()
        // The recording client noted each Job-UUID as it got the reply.
        let noted = script.notes.compactMap { note -> String? in
            guard let range = note.range(of: "reply='") else { return nil }
            return String(note[range.upperBound...].dropLast())
        }
        #expect(jobReplies.count == 20)
        #expect(jobReplies == noted)
        #expect(recorder.events.count == 503)
    }

    /// The capture's command line as a `Command`, so the replay peer sees the same bytes.
    private func rawCommand(_ text: String) throws -> Command {
        let line = String(text.prefix { $0 != "\n" })
        if line.hasPrefix("api ") { return try .api(String(line.dropFirst(4))) }
        if line == "exit" { return .exit }
        if line.hasPrefix("event plain ") { return try .event(.plain, line.dropFirst(12).split(separator: " ").map(String.init)) }
        if line.hasPrefix("bgapi ") { return try .bgapi(String(line.dropFirst(6)), jobUUID: "replayed-job") }
        throw ReplayError(description: "no Command for \(line)")
    }

    struct ReplayError: Error, CustomStringConvertible {
        var description: String
    }
}
