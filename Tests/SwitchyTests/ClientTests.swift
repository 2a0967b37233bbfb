import ESL
import Switchy
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(2))) struct ClientTests {
    @Test func apiAndCmdAgainstCapture01() async throws {
        let peer = try ScriptedPeer.replay("01")
        let client = Client(host: "127.0.0.1", port: peer.port)
        try await client.connect()
        defer { client.close() }

        let status = try await client.api("status")
        #expect(status.body?.contains("1.10.12-release") == true)
        #expect(try await client.cmd("global_getvar local_ip_v4") == "192.0.2.2")
        await #expect(
            throws: CommandError(
                command: "not_a_real_command", reply: "-ERR not_a_real_command Command not found!")
        ) { _ = try await client.cmd("not_a_real_command") }
        #expect(try await client.cmd("show channels as json") == "{\"row_count\": 0}")
    }

    @Test func wrongPasswordFailsConnectWithoutEchoingIt() async throws {
        let peer = try ScriptedPeer.replay("07")
        let client = Client(host: "127.0.0.1", port: peer.port, password: "wrong")
        await #expect {
            try await client.connect()
        } throws: { error in
            error as? ESLError == .authenticationFailed(endpoint: "127.0.0.1:\(peer.port)")
                && !"\(error)".contains("wrong")
        }
    }

    @Test func bgapiWithoutAListenerSaysSo() async throws {
        let client = Client(host: "127.0.0.1", port: 1)
        await #expect(throws: ClientError.noListener) { _ = try await client.bgapi("status") }
        #expect("\(ClientError.noListener)" == "no listener has been assigned to this client")
    }

    @Test func commandsBeforeConnectAreAClearError() async throws {
        let client = Client(host: "127.0.0.1", port: 1)
        await #expect(throws: ClientError.notConnected(endpoint: "127.0.0.1:1")) { _ = try await client.api("status") }
    }

    /// A job's result can come (on the listener's connection) before the bgapi reply
    /// (on the client's): the job resolves either way, keyed by our Job-UUID.
    @Test func bgapiJobResolvesFromTheListenerEvenBeforeItsReply() async throws {
        let frames = try CaptureFrames.frames("04")
        let jobEvent = try #require(frames.first { $0.contentType == .eventPlain && (try? Event(frame: $0))?.name == "BACKGROUND_JOB" })
        let jobUUID = try #require(try Event(frame: jobEvent).jobUUID)
        let reply = try #require(frames.first { $0.replyText == "+OK Job-UUID: \(jobUUID)" })

        let greeting = Array("Content-Type: auth/request\n\n".utf8)
        let accepted = Array("Content-Type: command/reply\nReply-Text: +OK accepted\n\n".utf8)
        let eventsOK = Array("Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n".utf8)
        let filterOK = Array("Content-Type: command/reply\nReply-Text: +OK filter added.\n\n".utf8)
        let listenerPeer = try ScriptedPeer(steps: [
            .write(greeting), .readCommand, .write(accepted), .readCommand, .write(eventsOK),
            .readCommand, .write(filterOK), .readCommand, .write(filterOK),
            .readCommand, .write(filterOK), .readCommand, .write(filterOK), .readCommand, .write(filterOK),
            .waitForSignal, .write(jobEvent.rawBytes),
        ])
        let controlPeer = try ScriptedPeer(steps: [
            .write(greeting), .readCommand, .write(accepted), .readCommand, .waitForSignal, .write(reply.rawBytes),
        ])
        let listener = EventListener(host: "127.0.0.1", port: listenerPeer.port)
        try await listener.connect()
        defer { listener.stop() }
        let client = Client(host: "127.0.0.1", port: controlPeer.port, listener: listener)
        try await client.connect()
        defer { client.close() }
        #expect(listenerPeer.commands.dropFirst() == [
            "event plain " + EventListener.baseEvents.joined(separator: " ") + "\n\n",
            "filter variable_switchy_run \(listener.runID)\n\n",
            "filter variable_sip_h_X-switchy_run \(listener.runID)\n\n",
            "filter Event-Name BACKGROUND_JOB\n\n",
            "filter Event-Name HEARTBEAT\n\n",
            "filter Event-Name SHUTDOWN\n\n",
        ])

        let command = "originate {origination_uuid=995695bf-8f99-46c6-8977-dad8d2b86335}sofia/external/busy@127.0.0.1:5090 &park()"
        let sending = Task { try await client.bgapi(command, jobUUID: jobUUID) }
        while controlPeer.commands.count < 2 { await Task.yield() }
        #expect(controlPeer.commands[1] == "bgapi \(command)\nJob-UUID: \(jobUUID)\n\n")
        listenerPeer.signal()  // the result first…
        while listener.jobs[jobUUID] != nil { await Task.yield() }  // …has been delivered…
        controlPeer.signal()  // …then the reply
        let job = try await sending.value
        await #expect(throws: JobError.failed(jobUUID: jobUUID, reply: "-ERR USER_BUSY")) {
            _ = try await job.get(timeout: .seconds(30))
        }
        if case .failure(let error)? = job.result { #expect(error.cause == "USER_BUSY") }
        #expect(job.sessionUUID == nil)
    }
}
