import Synchronization

/// On the callee side (the inbound leg of a call this listener hears), rejects the call
/// with a given cause as soon as it is created (`uuid_kill <uuid> <cause>`), as the
/// original Switchy's `CalleeBlockOnInvite`. Unanswered, sofia turns that hangup into
/// the cause's SIP response (486 for `USER_BUSY`) with a Q.850 `Reason`, so the
/// caller's originate fails with the same cause.
///
/// The callee's dialplan must not answer at once (park the call, as the simulator's
/// `noanswer` destination does): a leg answered before the kill lands just hangs up.
///
/// Apps are routed by the originating leg's `switchy_app`, so the callee's inbound leg
/// reaches this app when the same listener hears both legs: a loop-back call, or a
/// listener on the caller that also hears the callee.
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
/// the original Switchy's `CalleeRingback`: the caller's leg rings (CHANNEL_PROGRESS)
/// until its `originate_timeout` ends the call with `NO_ANSWER` (the callee's leg then
/// ends `ORIGINATOR_CANCEL`). The callee's dialplan must park the call rather than
/// answer (the simulator's `noanswer` destination). Routed like ``CalleeBlockOnInvite``.
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
