import ESL
import Foundation
import Synchronization

/// A loopback TCP server that plays a script to the first client that connects: write
/// these bytes, wait for a command, close. With ``replay(_:)`` the script comes from
/// a real capture, so `Connection` and `Client` meet FreeSWITCH's exact bytes.
public final class ScriptedPeer: Sendable {
    /// One step of the script.
    public enum Step: Sendable {
        /// Write these bytes.
        case write([UInt8])
        /// Read one command (up to its blank line) and record it.
        case readCommand
        /// Shut the connection down (the client sees EOF).
        case close
        /// Block until the test calls ``ScriptedPeer/signal()``.
        case waitForSignal
        /// Until the client closes: read each command and write what `reply` makes of it.
        case answerEachCommand(@Sendable (_ command: [UInt8]) -> [UInt8])
    }

    /// The port the peer listens on (on 127.0.0.1).
    public let port: Int
    private let listener: Int32
    private let signals = DispatchSemaphore(value: 0)
    private let received = Mutex<[[UInt8]]>([])
    private let finished = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// Starts listening and serves the first connection with `steps` on a thread of its
    /// own. After the last step the peer waits for the client to close, then closes.
    public init(steps: [Step]) throws {
        let (fd, port) = try POSIXSocket.listen(host: "127.0.0.1", port: 0)
        self.listener = fd
        self.port = port
        let thread = Thread { [self] in serve(steps) }
        thread.start()
    }

    /// A peer that replays capture `name`: the bytes up to each command's `raw_offset`,
    /// then, after each command it receives, the bytes up to the next one's; it closes
    /// where the capture shows the server closing.
    public static func replay(_ name: String) throws -> ScriptedPeer {
        try ScriptedPeer(steps: replaySteps(name))
    }

    /// The steps ``replay(_:)`` plays, for tests that want to cut them short.
    public static func replaySteps(_ name: String) throws -> [Step] {
        let raw = try Fixtures.raw(name)
        let script = try SentScript.load(name)
        var steps: [Step] = []
        var offset = 0
        for send in script.sends {
            steps.append(.write(Array(raw[offset..<send.rawOffset])))
            steps.append(.readCommand)
            offset = send.rawOffset
        }
        let end = script.eofOffset ?? raw.count
        steps.append(.write(Array(raw[offset..<end])))
        if script.eofOffset != nil { steps.append(.close) }
        return steps
    }

    /// The commands received so far, as the client wrote them.
    public var commands: [String] { received.withLock { $0.map { String(decoding: $0, as: UTF8.self) } } }

    /// Waits until the script has run and the connection is closed.
    public func waitUntilFinished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = finished.withLock { state in
                if !state.done { state.waiters.append(continuation) }
                return state.done
            }
            if done { continuation.resume() }
        }
    }

    /// Lets a ``Step/waitForSignal`` step go on.
    public func signal() {
        signals.signal()
    }

    /// Stops listening (an unserved peer no longer accepts).
    public func stop() {
        POSIXSocket.shutdown(listener)
    }

    private func serve(_ steps: [Step]) {
        defer {
            let waiters = finished.withLock { state in
                state.done = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
        let client = POSIXSocket.accept(listener)
        POSIXSocket.close(listener)
        guard let client else { return }
        defer { POSIXSocket.close(client) }
        var pending: [UInt8] = []
        // How far `pending` has been searched for a command's end (a big command
        // arrives in many reads; each read's bytes are searched once).
        var searched = 0
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
        defer { chunk.deallocate() }
        /// Reads until `pending` holds a whole command; false at EOF.
        func readCommand() -> [UInt8]? {
            while true {
                if let end = Self.commandEnd(pending, from: searched) {
                    let command = Array(pending[..<end])
                    pending.removeFirst(end)
                    searched = 0
                    return command
                }
                // Resume at the last byte before any trailing CRs: it may be the first LF.
                searched = pending.count
                while searched > 0, pending[searched - 1] == 0x0D { searched -= 1 }
                searched = max(0, searched - 1)
                guard let count = try? POSIXSocket.read(client, into: chunk), count > 0 else { return nil }
                pending += UnsafeRawBufferPointer(rebasing: chunk[0..<count])
            }
        }
        for step in steps {
            switch step {
            case .write(let bytes):
                do { try POSIXSocket.writeAll(client, bytes) } catch { return }
            case .readCommand:
                guard let command = readCommand() else { return }
                received.withLock { $0.append(command) }
            case .close:
                POSIXSocket.shutdown(client)
                return
            case .waitForSignal:
                signals.wait()
            case .answerEachCommand(let reply):
                while let command = readCommand() {
                    received.withLock { $0.append(command) }
                    do { try POSIXSocket.writeAll(client, reply(command)) } catch { return }
                }
                return
            }
        }
        // Script done: keep the connection until the client closes it.
        while let command = readCommand() { received.withLock { $0.append(command) } }
    }

    /// End of the first command in `bytes` (after its blank line), as FreeSWITCH reads
    /// it: two LFs with only CRs between them. The search starts at `start`, which
    /// must not be between such a pair's first LF and the CRs after it.
    private static func commandEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var sawNewline = false
        for index in start..<bytes.count {
            let byte = bytes[index]
            if byte == 0x0A {
                if sawNewline { return index + 1 }
                sawNewline = true
            } else if byte != 0x0D {
                sawNewline = false
            }
        }
        return nil
    }
}
