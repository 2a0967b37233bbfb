public import ESL
import Synchronization

/// Collects what a ``Connection`` hands to its callbacks, and lets a test wait for the
/// connection to end instead of sleeping.
public final class EventRecorder: Sendable {
    private let state = Mutex<(events: [Event], closed: ESLError?, waiters: [CheckedContinuation<ESLError, Never>])>(
        ([], nil, []))

    public init() {}

    /// Pass as `onEvent`.
    public var onEvent: @Sendable (Event) -> Void {
        { [self] event in state.withLock { $0.events.append(event) } }
    }

    /// Pass as `onClose`.
    public var onClose: @Sendable (ESLError) -> Void {
        { [self] error in
            let waiters = state.withLock { state in
                state.closed = error
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: error) }
        }
    }

    /// The events received so far.
    public var events: [Event] { state.withLock { $0.events } }

    /// Waits until the connection has ended; returns why.
    public func waitForClose() async -> ESLError {
        await withCheckedContinuation { continuation in
            let closed = state.withLock { state in
                if state.closed == nil { state.waiters.append(continuation) }
                return state.closed
            }
            if let closed { continuation.resume(returning: closed) }
        }
    }
}
