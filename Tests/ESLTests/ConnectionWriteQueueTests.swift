import ESL
import Synchronization
import TestSupport
import Testing

/// Sending against a server that stops reading: the sender never waits, the backlog
/// shows what is queued, replies keep their order, and closing fails what is pending.
@Suite(.timeLimit(.minutes(1))) struct ConnectionWriteQueueTests {
    static let greeting = Array("Content-Type: auth/request\n\n".utf8)
    static let accepted = Array("Content-Type: command/reply\nReply-Text: +OK accepted\n\n".utf8)
    /// 256 KB of argument per command, so a few dozen fill the socket buffers.
    static let padding = String(repeating: "x", count: 256 * 1024)

    /// `api echo <number> xxx…`, numbered so its reply can be matched to it.
    static func command(_ number: Int) throws -> Command {
        try .api("echo \(number) \(padding)")
    }

    /// An `api/response` whose body is the command's number.
    @Sendable static func numberedReply(_ command: [UInt8]) -> [UInt8] {
        let words = command.split(separator: UInt8(ascii: " "), maxSplits: 3)
        let number = words.count > 2 ? Array(words[2]) : []
        return Array("Content-Type: api/response\nContent-Length: \(number.count)\n\n".utf8) + number
    }

    /// Sends numbered commands until some of them wait in the backlog (the server reads
    /// nothing, so the socket buffers fill); returns how many were sent. Each `send`
    /// returns without waiting, or this would never end.
    static func fillBacklog(_ connection: Connection, replies: Replies) throws -> Int {
        var sent = 0
        while connection.writeBacklog.commands < 4 {
            try #require(sent < 2_000, "256 MB sent and nothing queued")
            connection.send(try command(sent)) { replies.add($0) }
            sent += 1
        }
        return sent
    }

    @Test func aServerThatStopsReadingNeverBlocksTheSenderAndRepliesKeepTheirOrder() async throws {
        let peer = try ScriptedPeer(steps: [
            .write(Self.greeting), .readCommand, .write(Self.accepted), .waitForSignal,
            .answerEachCommand(Self.numberedReply),
        ])
        let connection = try await Connection.connect(host: "127.0.0.1", port: peer.port, password: "ClueCon")
        let replies = Replies()
        let sent = try Self.fillBacklog(connection, replies: replies)
        let backlog = connection.writeBacklog
        #expect(backlog.bytes > 3 * Self.padding.utf8.count)
        #expect(backlog.highWaterCommands >= backlog.commands && backlog.highWaterBytes >= backlog.bytes)
        #expect(backlog.deferredCommands >= backlog.commands)
        #expect(backlog.oldestWaitNanoseconds >= 0)
        #expect(replies.count == 0)

        peer.signal()
        let results = await replies.wait(for: sent)
        #expect(results.map { try? $0.get().bodyText } == (0..<sent).map { "\($0)" })
        #expect(connection.writeBacklog.highWaterCommands >= 4)
        connection.close()
        await peer.waitUntilFinished()
    }

    @Test func closingFailsTheRepliesOfQueuedCommandsAndEmptiesTheBacklog() async throws {
        let peer = try ScriptedPeer(steps: [.write(Self.greeting), .readCommand, .write(Self.accepted), .waitForSignal])
        let recorder = EventRecorder()
        let connection = try await Connection.connect(
            host: "127.0.0.1", port: peer.port, password: "ClueCon", onClose: recorder.onClose)
        let replies = Replies()
        let sent = try Self.fillBacklog(connection, replies: replies)
        connection.close()
        let expected = ESLError.disconnected(endpoint: "127.0.0.1:\(peer.port)", reason: "closed by the client")
        let results = await replies.wait(for: sent)
        #expect(results.allSatisfy { if case .failure(expected) = $0 { true } else { false } })
        #expect(await recorder.waitForClose() == expected)
        #expect(connection.writeBacklog.commands == 0 && connection.writeBacklog.bytes == 0)
        // A command sent now fails at once.
        connection.send(try .api("status")) { replies.add($0) }
        #expect(replies.count == sent + 1)
        peer.signal()
        await peer.waitUntilFinished()
    }
}

/// Replies collected from completion callbacks, in the order they were called.
typealias Replies = CallbackResults<Result<Frame, ESLError>>
