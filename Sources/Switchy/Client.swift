public import ESL
import Foundation
import Synchronization

/// A control connection to one FreeSWITCH: the seed's `Client`.
///
/// ```swift
/// let client = Client(host: "10.0.0.5")
/// try await client.connect()
/// print(try await client.cmd("status"))
/// ```
///
/// `api` and `cmd` wait for the reply on this connection. `bgapi` needs an
/// ``EventListener`` (assigned to ``listener``) to deliver its result, as in the
/// original Switchy.
public final class Client: Sendable {
    public let host: String
    public let port: Int
    private let password: String
    private let state: Mutex<State>

    /// How many control connections ``connect(options:)`` opens (see ``init``).
    public let connectionCount: Int

    private struct State {
        var connections: [Connection] = []
        var next = 0
        var listener: EventListener?
        var apps: [AppID: any CallApp] = [:]
    }

    /// Lets the listener's sessions send their commands through this client.
    private var control: SessionControl { SessionControl(self) }

    /// - Parameters:
    ///   - host: the slave's ESL address.
    ///   - port: its ESL port (FreeSWITCH's default is 8021).
    ///   - password: its ESL password (FreeSWITCH's default is `ClueCon`); never printed.
    ///   - listener: the listener that delivers `bgapi` results, if any.
    ///   - connections: control connections to open (commands go round-robin over
    ///     them). FreeSWITCH runs each connection's commands one at a time, so under
    ///     load 2–4 shorten the queue; replies stay in order per connection.
    public init(
        host: String = "127.0.0.1", port: Int = 8021, password: String = "ClueCon", listener: EventListener? = nil,
        connections: Int = 1
    ) {
        self.host = host
        self.port = port
        self.password = password
        self.connectionCount = max(1, connections)
        self.state = Mutex(State(listener: listener))
        listener?.attach(control)
    }

    /// `host:port`.
    public var endpoint: String { "\(host):\(port)" }

    /// The listener that resolves this client's background jobs.
    public var listener: EventListener? {
        get { state.withLock { $0.listener } }
        set {
            state.withLock { $0.listener = newValue }
            newValue?.attach(control)
        }
    }

    /// The apps loaded on this client, by id.
    public var apps: [AppID: any CallApp] { state.withLock { $0.apps } }

    func setApp(_ app: (any CallApp)?, for id: AppID) {
        state.withLock { $0.apps[id] = app }
    }

    /// Connects and authenticates (every control connection; any failure closes those
    /// already open and is thrown). Connecting again replaces the connections.
    public func connect(options: Connection.Options = Connection.Options()) async throws(ESLError) {
        var opened: [Connection] = []
        do {
            for _ in 0..<connectionCount {
                opened.append(try await Connection.connect(host: host, port: port, password: password, options: options))
            }
        } catch {
            for connection in opened { connection.close() }
            throw error
        }
        let previous = state.withLock { state in
            defer { state.connections = opened }
            return state.connections
        }
        for connection in previous { connection.close() }
    }

    /// Closes the control connections.
    public func close() {
        for connection in state.withLock({ $0.connections }) { connection.close() }
    }

    /// True while every control connection is open.
    public var isConnected: Bool {
        let connections = state.withLock { $0.connections }
        return !connections.isEmpty && connections.allSatisfy(\.isOpen)
    }

    /// Sends a raw ESL command on the next control connection and calls `completion`
    /// with its reply (on that connection's reader thread). No task; a `bgapi` sent
    /// this way has no ``Job`` (use ``bgapi(_:jobUUID:written:refused:done:)`` for one).
    public func send(_ command: Command, completion: @escaping @Sendable (Result<Frame, ESLError>) -> Void) {
        send(command, written: nil, completion: completion)
    }

    private func send(
        _ command: Command, written: (@Sendable (Int64) -> Void)?,
        completion: @escaping @Sendable (Result<Frame, ESLError>) -> Void
    ) {
        do {
            let connection = try connection()
            if let written {
                connection.send(command, written: written, completion: completion)
            } else {
                connection.send(command, completion: completion)
            }
        } catch {
            completion(.failure(.disconnected(endpoint: endpoint, reason: error.description)))
        }
    }

    /// The write backlog of each control connection (see ``Connection/writeBacklog``).
    public var writeBacklogs: [Connection.WriteBacklog] {
        state.withLock { $0.connections }.map(\.writeBacklog)
    }

    /// Runs `api <command>` and returns the response: its ``Event/body`` is the
    /// command's output, exactly as sent (an `-ERR …` output is returned, not thrown).
    public func api(_ command: String) async throws -> Event {
        let frame = try await connection().send(try Command.api(command))
        return try Event(frame: frame)
    }

    /// Runs `api <command>` once on every control connection, all at once, and returns
    /// when each has replied (a connection that fails is skipped). FreeSWITCH serves
    /// each connection's commands in order, so the command runs after every command sent
    /// earlier on any of them — the drain's `hupall` uses this so that it cannot
    /// overtake an originate still queued on another connection.
    /// - Returns: how many connections answered.
    @discardableResult
    public func apiOnEveryConnection(_ command: String) async -> Int {
        let connections = state.withLock { $0.connections }
        guard let api = try? Command.api(command) else { return 0 }
        return await withTaskGroup(of: Bool.self) { group in
            for connection in connections {
                group.addTask { (try? await connection.send(api)) != nil }
            }
            var answered = 0
            for await ok in group where ok { answered += 1 }
            return answered
        }
    }

    /// Runs `api <command>` and returns its output with surrounding whitespace trimmed.
    /// - Throws: ``CommandError`` when the output starts with `-ERR` or `-USAGE`.
    public func cmd(_ command: String) async throws -> String {
        let text = try await api(command).body?.trimmed ?? ""
        if text.hasPrefix("-ERR") || text.hasPrefix("-USAGE") {
            throw CommandError(command: command, reply: text)
        }
        return text
    }

    /// Runs `bgapi <command>` under our own Job-UUID (a new v4 uuid unless given) and returns the ``Job`` at once;
    /// the listener resolves it when the BACKGROUND_JOB arrives.
    /// - Throws: ``ClientError/noListener`` without a listener, ``CommandError`` when
    ///   the server refuses the command.
    public func bgapi(_ command: String, jobUUID: String? = nil) async throws -> Job {
        try await bgapi(command, jobUUID: jobUUID, sessionUUID: nil)
    }

    /// Runs `bgapi <command>` under `jobUUID` without waiting (no task): the hot path of
    /// a load run. Exactly one of the two callbacks is called once:
    /// - `refused`, on the control connection's reader thread, when the server does not
    ///   answer `+OK` or no reply comes (see ``BgapiRefusal``: a connection that ended
    ///   may have run the command);
    /// - `done`, on the thread that delivers the BACKGROUND_JOB (the listener's), with
    ///   the ``Job``'s result; or with ``JobError/lost(jobUUID:reason:)`` when the event
    ///   connection ends first.
    ///
    /// `written`, if given, is called once the command has been handed to the kernel,
    /// with the ns it waited in this process (see
    /// ``Connection/send(_:written:completion:)``).
    /// - Throws: ``ClientError/noListener`` without a listener.
    public func bgapi(
        _ command: String, jobUUID: String, written: (@Sendable (_ queuedNanoseconds: Int64) -> Void)? = nil,
        refused: @escaping @Sendable (BgapiRefusal) -> Void, done: @escaping @Sendable (Result<String, JobError>) -> Void
    ) throws(ClientError) {
        guard let listener else { throw .noListener }
        let table = listener.jobTable
        let bgapi: Command
        do { bgapi = try Command.bgapi(command, jobUUID: jobUUID) } catch {
            return refused(.reply(error.description))
        }
        // Register first: the result may arrive before the reply (two connections).
        table.register(Job(uuid: jobUUID, command: command, onResult: done))
        send(bgapi, written: written) { reply in
            let reason: BgapiRefusal
            switch reply {
            case .failure(let error): reason = .noReply(error)
            case .success(let frame):
                let text = frame.replyText ?? ""
                if text.hasPrefix("+OK") { return }
                reason = .reply(text)
            }
            // Refused: the job never runs; `done` must not fire for it.
            guard table.take(jobUUID) != nil else { return }
            refused(reason)
        }
    }

    func bgapi(_ command: String, jobUUID: String?, sessionUUID: String?) async throws -> Job {
        guard let listener else { throw ClientError.noListener }
        let jobUUID = jobUUID ?? RandomUUID.string()
        let job = Job(uuid: jobUUID, command: command, sessionUUID: sessionUUID)
        // Register first: the result may arrive before the reply (two connections).
        listener.jobTable.register(job)
        do {
            let reply = try await connection().send(try Command.bgapi(command, jobUUID: jobUUID))
            let text = reply.replyText ?? ""
            guard text.hasPrefix("+OK") else { throw CommandError(command: command, reply: text) }
            return job
        } catch {
            listener.jobTable.remove(jobUUID)
            job.fail(.lost(jobUUID: jobUUID, reason: "\(error)"))
            throw error
        }
    }

    private func connection() throws(ClientError) -> Connection {
        let connection = state.withLock { state -> Connection? in
            guard !state.connections.isEmpty else { return nil }
            state.next = (state.next + 1) % state.connections.count
            return state.connections[state.next]
        }
        guard let connection else { throw .notConnected(endpoint: endpoint) }
        return connection
    }
}

/// Why a `bgapi` sent with ``Client/bgapi(_:jobUUID:written:refused:done:)`` has no job.
public enum BgapiRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    /// The server answered with this instead of `+OK` (or the command could not be
    /// encoded): the command did not run.
    case reply(String)
    /// No reply came: the control connection ended (or was never open). The command may
    /// have run on the server before the connection ended.
    case noReply(ESLError)

    public var description: String {
        switch self {
        case .reply(let text): text
        case .noReply(let error): error.description
        }
    }
}

/// FreeSWITCH answered a command with an error.
public struct CommandError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The command as sent (after `api`/`bgapi`).
    public var command: String
    /// The reply, trimmed: `-ERR not_a_real_command Command not found!`.
    public var reply: String

    public init(command: String, reply: String) {
        self.command = command
        self.reply = reply
    }

    public var description: String { reply }
}

/// A misuse of ``Client``.
public enum ClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `bgapi` was called on a client without an ``EventListener``.
    case noListener
    /// A command was sent before ``Client/connect(options:)``.
    case notConnected(endpoint: String)
    /// A session command was used on a listener no client is attached to.
    case noClient
    /// `loadApp` was given an id already in use.
    case appAlreadyLoaded(AppID)
    /// `unloadApp` or `originate` named an app that is not loaded.
    case appNotLoaded(AppID)

    public var description: String {
        switch self {
        case .noListener: "no listener has been assigned to this client"
        case .notConnected(let endpoint): "\(endpoint): not connected (call connect() first)"
        case .noClient: "no client is attached to this session's listener (pass it to Client(listener:))"
        case .appAlreadyLoaded(let id): "an app with id '\(id)' is already loaded"
        case .appNotLoaded(let id): "no app with id '\(id)' is loaded"
        }
    }
}
