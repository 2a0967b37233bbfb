import Synchronization

/// On the callee side (the inbound leg of a call this listener hears), rejects the call
/// with a given cause as soon as it is created (`uuid_kill <uuid> <cause>`), as the
/// original Switchy's `CalleeBlockOnInvite`. The caller then fails with that cause.
public final class CalleeBlockOnInvite: CallApp {
    /// The cause the callee answers with (`USER_BUSY` gives a 486).
    public let cause: String
    private let failures = Mutex<[String]>([])

    public init(cause: String = "USER_BUSY") {
        self.cause = cause
    }

    /// Commands that failed, as text.
    public var errors: [String] { failures.withLock { $0 } }

    public func channelCreate(_ event: AppEvent) {
        guard event.session.direction == .inbound else { return }
        let session = event.session
        let cause = self.cause
        Task {
            do { try await session.hangup(cause: cause) } catch {
                failures.withLock { $0.append("\(session.uuid): \(error)") }
            }
        }
    }
}

/// On the callee side, sends ringing (`uuid_ring_ready`, a 180) and never answers, as
/// the original Switchy's `CalleeRingback`: the caller's `originate_timeout` ends the
/// call with `NO_ANSWER`. The callee's dialplan must park the call rather than answer.
public final class CalleeRingback: CallApp {
    private let failures = Mutex<[String]>([])

    public init() {}

    /// Commands that failed, as text.
    public var errors: [String] { failures.withLock { $0 } }

    public func channelCreate(_ event: AppEvent) {
        guard event.session.direction == .inbound else { return }
        let session = event.session
        Task {
            do { try await session.ringReady() } catch {
                failures.withLock { $0.append("\(session.uuid): \(error)") }
            }
        }
    }
}
