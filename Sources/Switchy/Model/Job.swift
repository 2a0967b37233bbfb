import Dispatch
import Synchronization

/// A background job: the result of a `bgapi` command, which arrives later as a
/// BACKGROUND_JOB event on the listener's connection.
///
/// Jobs are keyed by our own `Job-UUID` (FreeSWITCH uses it verbatim), never by
/// arrival order: the result can even arrive before the bgapi's own reply, since the
/// two travel on different connections (esl-protocol.md §1.6).
public final class Job: Sendable, CustomStringConvertible {
    /// Our `Job-UUID`.
    public let uuid: String
    /// The command, as sent after `bgapi`.
    public let command: String

    private let state = Mutex(State())
    private let knownSessionUUID: String?
    /// Called once with the result, on the thread that completes the job (see
    /// ``Client/bgapi(_:jobUUID:written:refused:done:)``).
    private let onResult: (@Sendable (Result<String, JobError>) -> Void)?

    private struct State: ~Copyable {
        var result: Result<String, JobError>?
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }

    package init(
        uuid: String, command: String, sessionUUID: String? = nil,
        onResult: (@Sendable (Result<String, JobError>) -> Void)? = nil
    ) {
        self.uuid = uuid
        self.command = command
        self.knownSessionUUID = sessionUUID
        self.onResult = onResult
    }

    /// The outcome once the job is done: the result text (body trimmed, without a
    /// leading `+OK `: an originate's result is the channel's uuid) or the failure.
    public var result: Result<String, JobError>? { state.withLock { $0.result } }

    /// True once the job has a result.
    public var isDone: Bool { result != nil }

    /// For an `originate` job, the uuid of the channel: known from the start when we
    /// chose it (`origination_uuid`, as ``Client/originate(_:uuid:)`` does), else read
    /// from a successful result; nil otherwise.
    public var sessionUUID: String? {
        if let knownSessionUUID { return knownSessionUUID }
        guard command.hasPrefix("originate "), case .success(let text)? = result else { return nil }
        let uuid = text.prefix { !$0.isWhitespace }
        return uuid.isEmpty ? nil : String(uuid)
    }

    /// Waits until the job is done or `timeout` has passed.
    /// - Returns: true if the job is done.
    @discardableResult
    public func wait(timeout: Duration) async -> Bool {
        if isDone { return true }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let id: UInt64? = state.withLock { state in
                if state.result != nil { return nil }
                let id = state.nextWaiter
                state.nextWaiter += 1
                state.waiters[id] = continuation
                return id
            }
            guard let id else { return continuation.resume() }
            let (seconds, attoseconds) = timeout.components
            let nanos = max(0, seconds) * 1_000_000_000 + attoseconds / 1_000_000_000
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanos))) { [self] in
                state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
            }
        }
        return isDone
    }

    /// Waits for the result.
    /// - Returns: the result text, trimmed, without a leading `+OK ` (the channel's
    ///   uuid for an originate).
    /// - Throws: ``JobError/failed(jobUUID:reply:)`` when the result is an error
    ///   (`-ERR USER_BUSY`), ``JobError/timedOut(jobUUID:)`` when `timeout` passes
    ///   first, or the reason the listener lost it.
    public func get(timeout: Duration) async throws(JobError) -> String {
        await wait(timeout: timeout)
        switch result {
        case .success(let text)?: return text
        case .failure(let error)?: throw error
        case nil: throw .timedOut(jobUUID: uuid)
        }
    }

    /// Records the BACKGROUND_JOB body. `-ERR …` and `-USAGE…` are failures.
    package func resolve(body: String) {
        let text = body.trimmed
        if text.hasPrefix("-") {
            complete(.failure(.failed(jobUUID: uuid, reply: text)))
        } else if text == "+OK" || text.hasPrefix("+OK ") {
            complete(.success(String(text.dropFirst(3)).trimmed))
        } else {
            complete(.success(text))
        }
    }

    /// Fails the job (the command was refused, or the listener went away).
    package func fail(_ error: JobError) {
        complete(.failure(error))
    }

    private func complete(_ result: Result<String, JobError>) {
        let (first, waiters): (Bool, [CheckedContinuation<Void, Never>]) = state.withLock { state in
            guard state.result == nil else { return (false, []) }
            state.result = result
            defer { state.waiters = [:] }
            return (true, Array(state.waiters.values))
        }
        for waiter in waiters { waiter.resume() }
        if first { onResult?(result) }
    }

    public var description: String { "Job \(uuid) (\(command.prefix(40)))" }
}

/// Why a background job did not give a result.
public enum JobError: Error, Equatable, Sendable, CustomStringConvertible {
    /// FreeSWITCH answered with an error: `reply` is the full text (`-ERR USER_BUSY`).
    case failed(jobUUID: String, reply: String)
    /// No result within the time allowed.
    case timedOut(jobUUID: String)
    /// The connection that would deliver the result ended first.
    case lost(jobUUID: String, reason: String)

    /// For a failure, the cause after `-ERR ` (`USER_BUSY`); nil otherwise.
    public var cause: String? {
        guard case .failed(_, let reply) = self, reply.hasPrefix("-ERR ") else { return nil }
        return String(reply.dropFirst(5))
    }

    public var description: String {
        switch self {
        case .failed(let uuid, let reply): "job \(uuid) failed: \(reply)"
        case .timedOut(let uuid): "job \(uuid): no result in time"
        case .lost(let uuid, let reason): "job \(uuid) lost: \(reason)"
        }
    }
}
