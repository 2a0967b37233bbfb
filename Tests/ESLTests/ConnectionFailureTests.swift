import ESL
import TestSupport
import Testing

/// How `Connection` ends when the server misbehaves: a typed error, never a hang.
@Suite(.timeLimit(.minutes(2))) struct ConnectionFailureTests {
    static let greeting = Array("Content-Type: auth/request\n\n".utf8)
    static let accepted = Array("Content-Type: command/reply\nReply-Text: +OK accepted\n\n".utf8)
    static let goodbye = Array(
        "Content-Type: text/disconnect-notice\nContent-Length: 67\n\nDisconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"
            .utf8)

    @Test func connectionRefusedNamesHostAndPort() async throws {
        let refusing = try RefusingPort()
        let port = refusing.port
        await #expect(throws: ESLError.connectionRefused(endpoint: "127.0.0.1:\(port)")) {
            _ = try await Connection.connect(host: "127.0.0.1", port: port, password: "ClueCon")
        }
        withExtendedLifetime(refusing) {}
    }

    @Test func silentServerTimesOutDuringTheGreeting() async throws {
        let peer = try ScriptedPeer(steps: [.readCommand])  // accepts, never greets
        await #expect(throws: ESLError.connectionTimedOut(endpoint: "127.0.0.1:\(peer.port)", seconds: 0.2)) {
            _ = try await Connection.connect(
                host: "127.0.0.1", port: peer.port, password: "ClueCon",
                options: Connection.Options(connectTimeout: 0.2))
        }
    }

    @Test func rudeRejectionIsRejectedByACL() async throws {
        let peer = try ScriptedPeer(steps: [
            .write(Array("Content-Type: text/rude-rejection\nContent-Length: 24\n\nAccess Denied, go away.\n".utf8)),
            .write(Self.goodbye), .close,
        ])
        await #expect(throws: ESLError.rejectedByACL(endpoint: "127.0.0.1:\(peer.port)", message: "Access Denied, go away.")) {
            _ = try await Connection.connect(host: "127.0.0.1", port: peer.port, password: "ClueCon")
        }
    }

    @Test func eofMidRequestFailsThePendingRequest() async throws {
        let peer = try ScriptedPeer(steps: [.write(Self.greeting), .readCommand, .write(Self.accepted), .readCommand, .close])
        let recorder = EventRecorder()
        let connection = try await Connection.connect(
            host: "127.0.0.1", port: peer.port, password: "ClueCon", onClose: recorder.onClose)
        let expected = ESLError.disconnected(endpoint: "127.0.0.1:\(peer.port)", reason: "connection closed by the server")
        await #expect(throws: expected) { _ = try await connection.send(.api("status")) }
        #expect(await recorder.waitForClose() == expected)
    }

    @Test func disconnectNoticeMidRequestGivesItsTextAsTheReason() async throws {
        let peer = try ScriptedPeer(steps: [
            .write(Self.greeting), .readCommand, .write(Self.accepted), .readCommand, .write(Self.goodbye), .close,
        ])
        let connection = try await Connection.connect(host: "127.0.0.1", port: peer.port, password: "ClueCon")
        await #expect(
            throws: ESLError.disconnected(
                endpoint: "127.0.0.1:\(peer.port)",
                reason: "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/")
        ) { _ = try await connection.send(.api("status")) }
    }

    @Test func garbageMidStreamIsAProtocolViolationAndFailsPendingRequests() async throws {
        let peer = try ScriptedPeer(steps: [
            .write(Self.greeting), .readCommand, .write(Self.accepted), .readCommand,
            .write(Array("this is not ESL\n\n".utf8)),
        ])
        let recorder = EventRecorder()
        let connection = try await Connection.connect(
            host: "127.0.0.1", port: peer.port, password: "ClueCon", onClose: recorder.onClose)
        await #expect {
            _ = try await connection.send(.api("status"))
        } throws: { error in
            guard case .protocolViolation = error as? ESLError else { return false }
            return true
        }
        guard case .protocolViolation = await recorder.waitForClose() else {
            Issue.record("the connection should end with the violation")
            return
        }
        #expect(!connection.isOpen)
    }

    @Test func aReplyNobodyAskedForIsAProtocolViolation() async throws {
        let peer = try ScriptedPeer(steps: [
            .write(Self.greeting), .readCommand, .write(Self.accepted),
            .write(Array("Content-Type: command/reply\nReply-Text: +OK\n\n".utf8)),
        ])
        let recorder = EventRecorder()
        _ = try await Connection.connect(host: "127.0.0.1", port: peer.port, password: "ClueCon", onClose: recorder.onClose)
        guard case .protocolViolation = await recorder.waitForClose() else {
            Issue.record("an unsolicited reply should end the connection")
            return
        }
    }

    @Test func closeFailsPendingRequestsAndLaterOnes() async throws {
        let peer = try ScriptedPeer(steps: [.write(Self.greeting), .readCommand, .write(Self.accepted), .readCommand])
        let recorder = EventRecorder()
        let connection = try await Connection.connect(
            host: "127.0.0.1", port: peer.port, password: "ClueCon", onClose: recorder.onClose)
        let pending = Task { try await connection.send(.api("status")) }
        // The peer records the command once it has arrived: then close.
        while peer.commands.count < 2 { await Task.yield() }
        connection.close()
        let closedByUs = ESLError.disconnected(endpoint: "127.0.0.1:\(peer.port)", reason: "closed by the client")
        await #expect(throws: closedByUs) { _ = try await pending.value }
        #expect(await recorder.waitForClose() == closedByUs)
        await #expect(throws: closedByUs) { _ = try await connection.send(.api("status")) }
    }
}
